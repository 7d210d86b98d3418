using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using BulkData.Benchmarks;

// --quick: 10,000 rows, in process, a few short iterations, as the main project's quick mode.
var quick = args.Contains("--quick");
Environment.SetEnvironmentVariable("BULKDATA_BENCHMARK_QUICK", quick ? "1" : null);
var config = quick
    ? DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(6).WithLaunchCount(1).WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(150)))
    : DefaultConfig.Instance;
BenchmarkRunner.Run<ClosedXmlExportBenchmarks>(config, [.. args.Where(a => a != "--quick")]);
return 0;
