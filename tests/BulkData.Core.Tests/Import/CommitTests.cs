using System.Text;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Validation;

namespace BulkData.Core.Tests.Import;

public sealed class CommitTests
{
    private static string Products(int count, params int[] badRows)
    {
        var csv = new StringBuilder("Sku,Product Name,UnitPrice,Quantity\n");
        for (var row = 1; row <= count; row++)
        {
            csv.Append("P-").Append(row).Append(",Item ").Append(row).Append(',')
                .Append(badRows.Contains(row) ? "not-a-price" : "9.99").Append(",1\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task IntoAsync_AllOrNothingWithOneBadRowIn10000_WritesNothing()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText(Products(10_000, 9_999))).IntoAsync(target);

        Assert.Empty(target);
        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(new JobCounts(Read: 10_000, Valid: 9_999, Invalid: 1), result.Counts);
        Assert.Equal(9_999, Assert.Single(result.Errors).RowNumber);
        Assert.All(result.Rows.Where(r => r.RowNumber != 9_999), r => Assert.Equal(RowOutcomeKind.Valid, r.Kind));
    }

    [Fact]
    public async Task IntoAsync_Partial_CommitsExactlyTheValidRows()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText(Products(2_500, 3, 1_500, 2_500)))
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 1_000; })
            .IntoAsync(target);

        Assert.Equal(JobStatus.CompletedWithErrors, result.Status);
        Assert.Equal(2_497, target.Count);
        Assert.DoesNotContain(target, p => p.Sku is "P-3" or "P-1500" or "P-2500");
        Assert.Equal(new JobCounts(Read: 2_500, Valid: 2_497, Invalid: 3, Created: 2_497), result.Counts);
        Assert.Equal([3L, 1_500L, 2_500L], result.Rows.Where(r => r.Kind == RowOutcomeKind.Invalid).Select(r => r.RowNumber));
        Assert.Equal(2_497, result.Rows.Count(r => r.Kind == RowOutcomeKind.Created));
    }

    [Fact]
    public async Task IntoAsync_AllValid_CompletesAndRecordsEveryRow()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText(Products(2_001))).IntoAsync(target);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.True(result.Succeeded);
        Assert.Equal(Enumerable.Range(1, 2_001).Select(i => $"P-{i}"), target.Select(p => p.Sku));
        Assert.Equal(2_001, result.Counts.Created);
        Assert.All(result.Rows, r => Assert.Equal(RowOutcomeKind.Created, r.Kind));
    }

    [Fact]
    public async Task IntoAsync_MaxInvalidRowsExceeded_StopsAndFails()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText(Products(5_000, 10, 20, 30, 4_000)))
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.MaxInvalidRows = 2; o.BatchSize = 100; })
            .IntoAsync(target);

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal("Stopped after 3 invalid rows, more than the limit of 2.", result.FailureReason);
        Assert.Equal(30, result.Counts.Read);
        Assert.Empty(target);
    }

    [Fact]
    public async Task IntoAsync_MaxInvalidFractionExceeded_StopsAtTheBatchAndKeepsEarlierBatchesInPartialMode()
    {
        using var host = new TestHost();
        var target = new List<Product>();
        var bad = Enumerable.Range(101, 100).ToArray();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText(Products(1_000, bad)))
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.MaxInvalidFraction = 0.25; o.BatchSize = 100; })
            .IntoAsync(target);

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Equal(200, result.Counts.Read);
        Assert.Equal(100, target.Count);
        Assert.StartsWith("Stopped after 100 of 200 rows were invalid", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntoAsync_CancelledMidImport_LeavesJobCancelledAndTargetUntouched()
    {
        using var cancellation = new CancellationTokenSource();
        using var host = new TestHost(b => b.AddResource<Product>(r => r.Validator(new CancelAtRow(1_500, cancellation))));
        var target = new List<Product>();
        var progress = new List<JobProgress>();

        var import = host.Importer.For<Product>()
            .From(CsvSource.FromText(Products(5_000)))
            .WithOptions(o => o.BatchSize = 500)
            .WithProgress(new SynchronousProgress(progress));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => import.IntoAsync(target, cancellation.Token));

        Assert.Empty(target);
        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Equal(["created", "started", "cancelled"], (await host.Jobs.GetHistoryAsync(job.Id)).Select(e => e.Action));
        Assert.Equal([500L, 1_000L, 1_500L], progress.Select(p => p.RowsProcessed).Take(3));
    }

    [Fact]
    public async Task DryRunAsync_ValidatesEveryRowAndWritesNothing()
    {
        using var host = new TestHost();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText(Products(300, 7, 250))).DryRunAsync();

        Assert.Equal(JobKind.DryRun, result.Job.Kind);
        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(new JobCounts(Read: 300, Valid: 298, Invalid: 2), result.Counts);
        Assert.Equal([7L, 250L], result.Errors.Select(e => e.RowNumber!.Value));
    }

    [Fact]
    public async Task PreviewAsync_ReadsOnlyTheRequestedRows()
    {
        using var host = new TestHost();

        var preview = await host.Importer.For<Product>().From(CsvSource.FromText(Products(500, 2))).PreviewAsync(rows: 5);

        Assert.Equal(JobKind.Preview, preview.Job.Kind);
        Assert.Equal(5, preview.PreviewRows.Count);
        Assert.Equal(5, preview.Counts.Read);
        Assert.False(preview.PreviewRows[1].IsValid);
        Assert.Equal("P-1", preview.PreviewRows[0].Item!.Sku);
        Assert.Equal(9.99m, preview.PreviewRows[0].Item!.UnitPrice);
        Assert.Equal(JobStatus.ValidationFailed, preview.Status);
    }

    [Fact]
    public async Task IntoAsync_ErrorsPastTheCap_AreCountedButNotKept()
    {
        using var host = new TestHost();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText(Products(50, Enumerable.Range(1, 50).ToArray())))
            .WithOptions(o => o.MaxErrors = 10)
            .DryRunAsync();

        Assert.Equal(10, result.Errors.Count);
        Assert.Equal(50, result.ErrorCount);
    }

    [Theory]
    [InlineData(DuplicateKeyPolicy.Error, "A-1:first|B-1:b", 1)]
    [InlineData(DuplicateKeyPolicy.KeepFirst, "A-1:first|B-1:b", 0)]
    [InlineData(DuplicateKeyPolicy.KeepLast, "A-1:first|B-1:b|A-1:last", 0)]
    public async Task IntoAsync_KeyRepeatedInTheFile_FollowsThePolicy(DuplicateKeyPolicy policy, string expected, int errors)
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText("Sku,Product Name\nA-1,first\nB-1,b\nA-1,last\n"))
            .WithOptions(o => { o.DuplicateKeys = policy; o.CommitMode = CommitMode.Partial; })
            .IntoAsync(target);

        Assert.Equal(expected, string.Join('|', target.Select(p => $"{p.Sku}:{p.Name}")));
        Assert.Equal(errors, result.Errors.Count);
        Assert.Equal(policy == DuplicateKeyPolicy.KeepFirst ? (1L, 1L) : (0L, 0L), (result.Counts.Skipped, result.Counts.Duplicates));
        if (errors > 0)
        {
            Assert.Equal((3L, "Sku", "The key 'A-1' was already used on row 1. Each row needs its own key: remove or merge the repeated rows."), (result.Errors[0].RowNumber!.Value, result.Errors[0].Column, result.Errors[0].Message));
        }
    }

    /// <summary>Cancels the import's token when a given row is validated, as a user pressing Cancel would.</summary>
    private sealed class CancelAtRow(long row, CancellationTokenSource source) : RowValidator<Product>
    {
        protected override void Validate(Product item, RowContext<Product> context)
        {
            if (context.RowNumber == row)
            {
                source.Cancel();
            }
        }
    }

    private sealed class SynchronousProgress(List<JobProgress> reports) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => reports.Add(value);
    }
}
