using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>
/// Issue 22 item 7: a row SQLite's own constraints refuse (a unique index other than the import key, a foreign key)
/// is a row error with that row's number, column and value, and the batch's other rows are written.
/// </summary>
public sealed class RefusedRowTests
{
    [Fact]
    public async Task UniqueIndex_RefusesTheRow_AndTheOthersAreWritten()
    {
        await using var database = await Database.CreateAsync("sqlite", null!);
        using var host = new TestHost(database, configure: b => b.AddResource<Region>(r => r.Key(x => x.Name).Ignore(x => x.Id)), addItems: false);

        var result = await host.Importer.For<Region>()
            .From(CsvSource.FromText("Name,Code\nAlpha,A\nBeta,A\nGamma,G\n"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(host.Target<Region>(MergeStrategy.Upsert));

        Assert.Equal(JobStatus.CompletedWithErrors, result.Status);
        Assert.Equal(
            (2L, "Code", "Another record already has the Code 'A', and the database allows each Code once. Change it, or import the rows as updates of that record."),
            (result.Errors.Single().RowNumber!.Value, result.Errors[0].Column!, result.Errors[0].Message));
        await using var db = database.Factory.CreateDbContext();
        Assert.Equal(["A:Alpha", "G:Gamma"], await db.Set<Region>().OrderBy(r => r.Code).Select(r => r.Code + ":" + r.Name).ToListAsync());

        // The refused row left no change record: the rollback undoes exactly the two rows written.
        Assert.Equal(2, (await host.Rollback.RollbackAsync(result.JobId)).Deleted);
    }

    [Fact]
    public async Task ForeignKey_RefusesTheRow_AndAllOrNothingWritesNothing()
    {
        await using var database = await Database.CreateAsync("sqlite", null!);
        await using (var seed = database.Factory.CreateDbContext())
        {
            seed.Add(new Customer { Number = "C-1", Name = "Ann", Region = new Region { Code = "N", Name = "North" } });
            await seed.SaveChangesAsync();
        }

        int customer;
        await using (var read = database.Factory.CreateDbContext())
        {
            customer = await read.Set<Customer>().Select(c => c.Id).SingleAsync();
        }

        using var host = new TestHost(database, configure: b => b.AddResource<SalesOrder>(r => r.Key(o => o.Reference).Ignore(o => o.Id)), addItems: false);
        var file = $"Reference,Customer Id,Total,Placed At\nO1,{customer},1,2024-01-01\nO2,999,2,2024-01-01\n";

        var partial = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(file)).WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));
        Assert.Equal((JobStatus.CompletedWithErrors, 1L, 2L), (partial.Status, partial.Counts.Created, partial.Errors.Single().RowNumber!.Value));
        Assert.StartsWith("A value of this row refers to a record that does not exist", partial.Errors[0].Message, StringComparison.Ordinal);

        await using (var db = database.Factory.CreateDbContext())
        {
            await db.Set<SalesOrder>().ExecuteDeleteAsync();
        }

        var whole = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(file)).IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));
        Assert.Equal((JobStatus.ValidationFailed, 2L), (whole.Status, whole.Errors.Single().RowNumber!.Value));
        await using var check = database.Factory.CreateDbContext();
        Assert.Equal(0, await check.Set<SalesOrder>().CountAsync());
    }
}
