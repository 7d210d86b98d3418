using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BulkData.Benchmarks;

// --quick: a short run (one launch, few iterations, smallest size) that finishes in well under two minutes.
var quick = args.Contains("--quick");
QuickMode.IsOn = quick;
var rest = args.Where(a => a != "--quick").ToArray();
var config = quick
    ? DefaultConfig.Instance.AddJob(Job.ShortRun.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3))
    : DefaultConfig.Instance;
if (quick && !rest.Contains("--filter"))
{
    rest = [.. rest, "--filter", "*"];
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);

