using System.Data.Common;
using System.Text;
using BulkData.Export;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>Issue 11: a stored export filter becomes the query's WHERE clause, so the database does the filtering.</summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class ExportFilterOnDatabaseTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Where_StoredFilter_IsTranslatedIntoTheDatabaseQuery(string provider)
    {
        var commands = new List<string>();
        await using var database = await Database.CreateAsync(provider, postgres, new CommandWatch(commands));
        var now = DateTime.UtcNow;
        await database.SeedAsync(
            new Item { Sku = "S-1", Name = "recent", Quantity = 5, Released = now.AddDays(-2) },
            new Item { Sku = "S-2", Name = "recent, none left", Quantity = 0, Released = now.AddDays(-1) },
            new Item { Sku = "S-3", Name = "old", Quantity = 9, Released = now.AddDays(-40) },
            new Item { Sku = "S-4", Name = "unreleased", Quantity = 7 });
        using var host = new TestHost(database);
        await using var context = database.Factory.CreateDbContext();
        var filter = ExportFilter.FromJson(ExportFilter.All(
            ExportFilter.Where("Quantity", FilterOperator.GreaterThan, "0"),
            ExportFilter.Any(ExportFilter.Where("Released", FilterOperator.WithinLast, "P7D"), ExportFilter.Where("Name", FilterOperator.StartsWith, "unrel"))).ToJson());
        commands.Clear();

        using var output = new MemoryStream();
        var result = await host.Exporter.For<Item>().From(context.Items.AsNoTracking().OrderBy(i => i.Sku)).Where(filter).Columns("Sku")
            .ToAsync(CsvSink.ToStream(output, new CsvSinkOptions { Encoding = new UTF8Encoding(false) }));

        Assert.Equal("Sku\r\nS-1\r\nS-4\r\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(2, result.Rows);
        var select = Assert.Single(commands, c => c.Contains("SELECT", StringComparison.Ordinal) && c.Contains("Items", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("WHERE", select, StringComparison.Ordinal);
        Assert.Contains("Quantity", select, StringComparison.Ordinal);
    }

    private sealed class CommandWatch(List<string> commands) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            lock (commands)
            {
                commands.Add(command.CommandText);
            }

            return ValueTask.FromResult(result);
        }
    }
}
