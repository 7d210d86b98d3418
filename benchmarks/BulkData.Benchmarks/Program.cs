using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BulkData.Benchmarks;

// --quick: 10,000 rows, in process, two warm-ups and six 150 ms iterations: all comparisons in under two minutes.
// --rows 10000,100000: the row counts to measure (default: 10k quick; 10k, 100k and 1M full).
// --memory [--quick]: the peak-memory harness (one process per run). --memory-run: one run of it (internal).
// --database [--quick] [--rows 100000] [--providers sqlite,postgres] [--methods raw,ef,bulkdata,bulkdata-no-records]
//   [--scenarios fresh,unchanged,half-changed]: end-to-end database throughput (one process per run).
if (args.Length >= 5 && args[0] == "--memory-run")
{
    return await MemoryHarness.RunOneAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4]);
}

if (args.Length >= 5 && args[0] == "--database-run")
{
    return await DatabaseHarness.RunOneAsync(args[1], args[2], args[3], args[4]);
}

var quick = args.Contains("--quick");
QuickMode.IsOn = quick;
if (args.Contains("--memory"))
{
    return await MemoryHarness.RunAllAsync(quick);
}

var rowsAt = Array.IndexOf(args, "--rows");
if (args.Contains("--database"))
{
    string? Value(string name) => Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    return await DatabaseHarness.RunAllAsync(quick, rowsAt >= 0 ? args[rowsAt + 1] : null, Value("--providers"), Value("--methods"), Value("--scenarios"));
}

if (rowsAt >= 0 && rowsAt + 1 < args.Length)
{
    QuickMode.Rows = args[rowsAt + 1];
    args = [.. args[..rowsAt], .. args[(rowsAt + 2)..]];
}

var rest = args.Where(a => a != "--quick").ToArray();
var config = quick
    ? DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(6).WithLaunchCount(1).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150)))
    : DefaultConfig.Instance;
if (!rest.Contains("--filter"))
{
    rest = [.. rest, "--filter", "*"];
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
return 0;
