using System.Diagnostics;
using System.Globalization;
using BulkData.Import;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Benchmarks;

/// <summary>
/// Peak memory of whole imports and exports, one process per run so each peak is its own: 10 columns at
/// 100,000 and 1,000,000 rows per format. Files are written to a temp folder first, by the parent process,
/// so reading them costs no memory of the run; exports write to a file. Reports the peak working set above
/// the process's idle baseline, and the largest managed heap seen.
/// </summary>
internal static class MemoryHarness
{
    private static readonly string[] Formats = ["csv", "xlsx", "json"];

    public static async Task<int> RunAllAsync(bool quick)
    {
        int[] sizes = quick ? [100_000] : [100_000, 1_000_000];
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bulkdata-memory")).FullName;
        Console.WriteLine("| format | direction | rows | peak working set above idle | largest managed heap | time |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var size in sizes)
        {
            foreach (var format in Formats)
            {
                var file = Path.Combine(folder, $"rows-{size}.{format}");
                if (!File.Exists(file))
                {
                    await File.WriteAllBytesAsync(file, Datasets.File(format, size));
                }

                foreach (var direction in new[] { "import", "export" })
                {
                    Console.WriteLine(await RunChildAsync(format, direction, size, file));
                }
            }
        }

        return 0;
    }

    /// <summary>Runs one import or export in this (child) process and prints one table row.</summary>
    public static async Task<int> RunOneAsync(string format, string direction, int size, string file)
    {
        // Warm up the code paths on a few rows, so the baseline holds the JIT and the runtime, not the data.
        await RunAsync(format, direction, Math.Min(size, 1_000), file, warmUp: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var idle = process.WorkingSet64;
        long largestHeap = 0;
        using var sampler = new Timer(_ => largestHeap = Math.Max(largestHeap, GC.GetTotalMemory(false)), null, 0, 20);
        var clock = Stopwatch.StartNew();
        await RunAsync(format, direction, size, file, warmUp: false);
        clock.Stop();
        process.Refresh();
        var peak = process.PeakWorkingSet64 - idle;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {format} | {direction} | {size:N0} | {peak / 1048576.0:F1} MB | {largestHeap / 1048576.0:F1} MB | {clock.Elapsed.TotalSeconds:F1} s |"));
        return 0;
    }

    private static async Task RunAsync(string format, string direction, int size, string file, bool warmUp)
    {
        if (direction == "import")
        {
            IImportSource source = format switch
            {
                "csv" => CsvSource.FromFile(file),
                "xlsx" => XlsxSource.FromFile(file),
                _ => JsonSource.FromFile(file),
            };
            var operation = Datasets.Importer.For<BenchmarkRow>().From(source).WithOptions(o => o.RecordRowOutcomes = false);
            var result = warmUp ? await operation.PreviewAsync(size) : await operation.IntoAsync(new CountingTarget());
            if (!warmUp && result.Counts.Created != size)
            {
                throw new InvalidOperationException($"Imported {result.Counts.Created} of {size} rows: {string.Join("; ", result.Errors.Take(3))}");
            }

            return;
        }

        var output = Path.Combine(Path.GetDirectoryName(file)!, $"export-{Environment.ProcessId}.{format}");
        IExportSink sink = format switch
        {
            "csv" => CsvSink.ToFile(output),
            "xlsx" => XlsxSink.ToFile(output),
            _ => JsonSink.ToFile(output),
        };
        await using (sink)
        {
            await Datasets.Exporter.For<BenchmarkRow>().From(BenchmarkRow.Generate(size)).ToAsync(sink);
        }

        File.Delete(output);
    }

    private static async Task<string> RunChildAsync(string format, string direction, int size, string file)
    {
        var (exitCode, output, error) = await SelfProcess.RunAsync($"--memory-run {format} {direction} {size} \"{file}\"");
        return exitCode == 0 ? output.Trim() : $"| {format} | {direction} | {size:N0} | failed: {error.Trim()} | | |";
    }

    /// <summary>Counts rows without keeping them, so memory measures the pipeline, not the data.</summary>
    private sealed class CountingTarget : IImportTarget<BenchmarkRow>, IImportTransaction<BenchmarkRow>
    {
        public ValueTask<IImportTransaction<BenchmarkRow>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IImportTransaction<BenchmarkRow>>(this);

        public ValueTask WriteAsync(ImportBatch<BenchmarkRow> batch, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
