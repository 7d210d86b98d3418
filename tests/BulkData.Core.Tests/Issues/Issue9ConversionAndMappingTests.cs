using System.Globalization;
using System.Text;
using BulkData.Core.Tests.Formats;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Core.Tests.Issues;

/// <summary>Issue 9, defects 11 and 13-20: values that were merged, shifted, dropped or misread without a word.</summary>
public sealed class Issue9ConversionAndMappingTests
{
    public sealed class Amounts
    {
        public int Count { get; set; }

        public decimal Price { get; set; }

        public DateOnly? Day { get; set; }

        public DateTime? At { get; set; }

        public DateTimeOffset? Stamp { get; set; }

        public Color? Color { get; set; }
    }

    public sealed class Addresses
    {
        public string? Name { get; set; }

        public string? ShippingAddress { get; set; }
    }

    private static async Task<(ImportResult Result, List<T> Items)> ImportAsync<T>(IImportSource source, Func<ImportOperation<T>, ImportOperation<T>>? configure = null, Action<BulkData.DependencyInjection.BulkDataBuilder>? register = null)
        where T : class
    {
        using var host = new TestHost(b =>
        {
            if (register is null)
            {
                b.AddResource<T>();
            }
            else
            {
                register(b);
            }
        });
        var items = new List<T>();
        var operation = host.Importer.For<T>().From(source).WithOptions(o => o.CommitMode = CommitMode.Partial);
        var result = await (configure?.Invoke(operation) ?? operation).IntoAsync(items);
        return (result, items);
    }

    private static void German(BulkData.DependencyInjection.BulkDataBuilder builder) =>
        builder.AddResource<Issue9Orders>(r => r.Culture(CultureInfo.GetCultureInfo("de-DE")));

    private static IReadOnlyList<BulkData.Resources.ResourceColumn> ColumnsOf<T>()
        where T : class
    {
        using var host = new TestHost(b => b.AddResource<T>());
        return host.Importer.For<T>().Resource.Columns;
    }

    // Defect 13: "1,5" under the invariant culture became 15, "12,50" became 1250, "03/04/2024" became 4 March.
    [Theory]
    [InlineData("Count", "1,5")]
    [InlineData("Price", "12,50")]
    [InlineData("Price", "1.234,5")]
    public async Task Import_MisgroupedNumber_IsAnErrorNotAGuess(string column, string value)
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText($"{column}\n\"{value}\"\n"));

        Assert.Empty(items);
        var error = Assert.Single(result.Errors);
        Assert.Equal((column, value), (error.Column, error.RawValue));
        Assert.Contains("culture", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_SingleThousandsSeparatorUnderInvariantCulture_IsAmbiguous()
    {
        var (result, _) = await ImportAsync<Amounts>(CsvSource.FromText("Price\n\"1,234\"\n"));

        var error = Assert.Single(result.Errors);
        Assert.Contains("could be 1234 or 1.234", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_UnambiguousGrouping_IsRead()
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText("Price,Count\n\"1,234.5\",\"1,234,567\"\n"));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal((1234.5m, 1_234_567), (items[0].Price, items[0].Count));
    }

    [Theory]
    [InlineData("03/04/2024")]
    [InlineData("03.04.2024")]
    [InlineData("3-4-2024 10:00")]
    public async Task Import_DayMonthOrderUnknown_IsAnErrorNamingTheFix(string value)
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText($"Day,At\n{value[..(value.IndexOf(' ') is var space and > 0 ? space : value.Length)]},{value}\n"));

        Assert.Empty(items);
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Contains("could be", e.Message, StringComparison.Ordinal));
        Assert.All(result.Errors, e => Assert.Contains("yyyy-MM-dd", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_DayMonthUnambiguousOrIso_IsRead()
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText("Day,At\n2024-04-03,04/04/2024 10:00\n"));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new DateOnly(2024, 4, 3), items[0].Day);
        Assert.Equal(new DateTime(2024, 4, 4, 10, 0, 0), items[0].At);
    }

    // Defect 14: text cells of JSON and XLSX were parsed invariant first, ignoring the column's culture.
    [Fact]
    public async Task Import_JsonTextCellsUnderAGermanColumn_AreReadInItsCulture()
    {
        var json = """[{"Price": "1,5", "Count": 7}, {"Price": 2.5, "Count": "1.000"}]""";

        var (result, items) = await ImportAsync<Issue9Orders>(JsonSource.FromText(json), register: German);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([(1.5m, 7), (2.5m, 1000)], items.Select(i => (i.Price, i.Count)));
    }

    [Fact]
    public async Task Import_XlsxTextCellUnderAGermanColumn_IsReadInItsCulture()
    {
        var workbook = OpenXmlWorkbooks.Create(false, ("Sheet1", (data, strings) =>
        {
            data.Append(OpenXmlWorkbooks.Row(1, strings.Cell("A1", "Price"), strings.Cell("B1", "Count")));
            data.Append(OpenXmlWorkbooks.Row(2, strings.Cell("A2", "1,5"), OpenXmlWorkbooks.Number("B2", 3)));
            data.Append(OpenXmlWorkbooks.Row(3, OpenXmlWorkbooks.Number("A3", 2.25), OpenXmlWorkbooks.Inline("B3", "1.000")));
        }));

        var (result, items) = await ImportAsync<Issue9Orders>(XlsxSource.FromStream(new MemoryStream(workbook)), register: German);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([(1.5m, 3), (2.25m, 1000)], items.Select(i => (i.Price, i.Count)));
    }

    // Defect 15: a UTF-8 byte order mark turned invalid-byte detection off.
    [Fact]
    public async Task Import_Utf8BomAndAnInvalidByte_ReportsTheRow()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat("Name,ShippingAddress\nok,fine\nbad,"u8.ToArray()).Concat(new byte[] { 0xC3, 0x28 }).Concat("x\n"u8.ToArray()).ToArray();

        var (result, items) = await ImportAsync<Addresses>(CsvSource.FromStream(new MemoryStream(bytes)));

        Assert.Equal(["ok"], items.Select(i => i.Name));
        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.RowNumber);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    // Defect 16: a non-[Flags] enum accepted "Red, Green" as Red|Green.
    [Theory]
    [InlineData("Red, Green")]
    [InlineData("Green,LightBlue")]
    public async Task Import_CombinedNamesOfANonFlagsEnum_AreAnError(string value)
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText($"Color\n\"{value}\"\n"));

        Assert.Empty(items);
        Assert.Equal(value, Assert.Single(result.Errors).RawValue);
    }

    // Defect 17: values with an offset were shifted to the machine's local time.
    [Fact]
    public async Task Import_DateTimeWithAnOffset_IsTheSameInstantInUtcWhateverTheMachine()
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText("At,Stamp\n2024-01-01T10:00:00+02:00,2024-01-01T10:00:00.1234567+05:30\n2024-06-01T10:00:00,2024-06-01T10:00:00\n"));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal((new DateTime(2024, 1, 1, 8, 0, 0), DateTimeKind.Utc), (items[0].At!.Value, items[0].At!.Value.Kind));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.FromHours(5.5)).AddTicks(1_234_567), items[0].Stamp);
        Assert.Equal(TimeSpan.FromHours(5.5), items[0].Stamp!.Value.Offset);
        Assert.Equal(DateTimeKind.Unspecified, items[1].At!.Value.Kind);
        Assert.Equal(TimeSpan.Zero, items[1].Stamp!.Value.Offset);
    }

    // Defect 18: fuzzy matching mapped "Billing Address" to ShippingAddress (0.733).
    [Fact]
    public void Match_SimilarButDifferentWords_IsASuggestionNotAMapping()
    {
        var columns = ColumnsOf<Addresses>();

        var mapping = HeaderMatcher.Match(["Name", "Billing Address"], columns, options: new MappingOptions { AcceptSuggestions = true });

        Assert.DoesNotContain(mapping.Matches, m => m.Column == "ShippingAddress");
        Assert.Contains("ShippingAddress", mapping.MissingColumns);
    }

    [Theory]
    [InlineData("Shiping Adress")]
    [InlineData("shipping_addr")]
    public void Match_ATypoOfOneColumn_IsStillMappedWhenSuggestionsAreAccepted(string header)
    {
        var columns = ColumnsOf<Addresses>();

        var mapping = HeaderMatcher.Match(["Name", header], columns, options: new MappingOptions { AcceptSuggestions = true });

        Assert.Contains(mapping.Matches, m => m.Column == "ShippingAddress" && m.Kind == MatchKind.Fuzzy);
    }

    [Fact]
    public void Match_TwoColumnsAlmostEquallyClose_IsNotGuessed()
    {
        var columns = ColumnsOf<Issue9TwoDates>();

        var mapping = HeaderMatcher.Match(["Date"], columns, options: new MappingOptions { AcceptSuggestions = true, SuggestionThreshold = 0.5 });

        Assert.Empty(mapping.Matches);
    }

    // Defect 19: a missing or misspelt optional column silently imported defaults and reported Completed.
    [Fact]
    public async Task Import_OptionalColumnMissing_IsReportedWithTheClosestHeader()
    {
        var (result, items) = await ImportAsync<Amounts>(CsvSource.FromText("Price,Cuont\n1.5,3\n"));

        Assert.True(result.Succeeded);
        Assert.Contains(result.Warnings, w => w.Contains("no column 'Count'", StringComparison.Ordinal) && w.Contains("Did you mean 'Cuont'?", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("no column 'Day'", StringComparison.Ordinal));
        Assert.Contains("Count", result.Mapping!.MissingColumns);
        Assert.Equal(0, items[0].Count);
    }

    [Fact]
    public async Task Preview_OptionalColumnMissing_IsReported()
    {
        using var host = new TestHost(b => b.AddResource<Amounts>());

        var preview = await host.Importer.For<Amounts>().From(CsvSource.FromText("Price\n1.5\n")).PreviewAsync();

        Assert.Contains(preview.Warnings, w => w.Contains("no column 'Count'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_RequireAllColumnsAndOneMissing_FailsBeforeAnyRow()
    {
        var (result, items) = await ImportAsync<Amounts>(
            CsvSource.FromText("Price,Cuont\n1.5,3\n"),
            o => o.WithOptions(x => x.RequireAllColumns = true));

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Empty(items);
        Assert.Equal(0, result.Counts.Read);
        Assert.Contains(result.Errors, e => e.Column == "Count" && e.Message.Contains("Did you mean 'Cuont'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_ColumnRequiredFluentlyAndMissing_FailsBeforeAnyRow()
    {
        using var host = new TestHost(b => b.AddResource<Amounts>(r => r.Column(a => a.Count, c => c.Required())));

        var result = await host.Importer.For<Amounts>().From(CsvSource.FromText("Price\n1.5\n")).IntoAsync(new List<Amounts>());

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal("Count", Assert.Single(result.Errors).Column);
    }

    // Defect 20: culture and formats were fixed per resource; the same resource receives files from many countries.
    [Fact]
    public async Task Import_WithCultureAndWithFormat_OverrideTheResourceForThisImportOnly()
    {
        using var host = new TestHost(b => b.AddResource<Amounts>());
        var csv = "Price;Day;At\n\"1.234,5\";03.04.2024;13/04/2024 10:00\n";

        var german = new List<Amounts>();
        var result = await host.Importer.For<Amounts>().From(CsvSource.FromText(csv))
            .WithCulture(CultureInfo.GetCultureInfo("de-DE"))
            .WithFormat("At", "dd/MM/yyyy HH:mm")
            .IntoAsync(german);
        var plain = await host.Importer.For<Amounts>().From(CsvSource.FromText(csv)).IntoAsync(new List<Amounts>());

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal((1234.5m, new DateOnly(2024, 4, 3), new DateTime(2024, 4, 13, 10, 0, 0)), (german[0].Price, german[0].Day!.Value, german[0].At!.Value));
        Assert.False(plain.Succeeded);
        Assert.Equal("de-DE", result.Job.Parameters["culture"]);
    }

    [Fact]
    public void WithFormat_UnknownColumn_IsAConfigurationError()
    {
        using var host = new TestHost(b => b.AddResource<Amounts>());

        var error = Assert.Throws<BulkDataConfigurationException>(() => host.Importer.For<Amounts>().WithFormat("Prize", "0.00"));

        Assert.Contains("Price", error.Message, StringComparison.Ordinal);
    }

    // Defect 11: a cancel that arrived after the commit recorded the job Cancelled though its rows were in;
    // a store failing while the final state was written left the job Processing.
    [Fact]
    public async Task IntoAsync_CancelledAfterTheCommit_RecordsWhatTheTargetHolds()
    {
        using var cancel = new CancellationTokenSource();
        var store = new FlakyStore(failOnce: false);
        using var host = new TestHost(b => b.AddResource<Amounts>(), s => s.AddSingleton<IJobStore>(store));
        var target = new CancelOnCommitTarget(cancel);

        var result = await host.Importer.For<Amounts>().From(CsvSource.FromText("Count\n1\n2\n")).IntoAsync(target, cancel.Token);

        Assert.Equal(2, target.Committed.Count);
        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(JobStatus.Completed, (await host.Jobs.GetAsync(result.JobId))!.Status);
    }

    [Fact]
    public async Task IntoAsync_StoreFailsOnceWhileRecordingTheEnd_TheJobStillEnds()
    {
        var store = new FlakyStore(failOnce: true);
        using var host = new TestHost(b => b.AddResource<Amounts>(), s => s.AddSingleton<IJobStore>(store));

        var result = await host.Importer.For<Amounts>().From(CsvSource.FromText("Count\nx\n")).IntoAsync(new List<Amounts>());

        Assert.Equal(1, store.Failures);
        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(JobStatus.ValidationFailed, (await store.GetAsync(result.JobId))!.Status);
    }

    private sealed class CancelOnCommitTarget(CancellationTokenSource cancel) : IImportTarget<Amounts>
    {
        public List<Amounts> Committed { get; } = [];

        public void Cancel() => cancel.Cancel();

        public ValueTask<IImportTransaction<Amounts>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IImportTransaction<Amounts>>(new Transaction(this));

        private sealed class Transaction(CancelOnCommitTarget target) : IImportTransaction<Amounts>
        {
            private readonly List<Amounts> pending = [];

            public ValueTask WriteAsync(ImportBatch<Amounts> batch, CancellationToken cancellationToken = default)
            {
                pending.AddRange(batch.Items);
                return ValueTask.CompletedTask;
            }

            public ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default)
            {
                target.Committed.AddRange(pending);
                target.Cancel();
                return ValueTask.CompletedTask;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// An in-memory store that honours cancellation as a database's would and, when asked, fails its first
    /// write of a finished job, as a database blip would.
    /// </summary>
    private sealed class FlakyStore(bool failOnce) : Jobs.DelegatingJobStore
    {
        public int Failures { get; private set; }

        public override ValueTask<Job> UpdateAsync(Job job, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (failOnce && job.CompletedAt is not null && Failures == 0)
            {
                Failures++;
                throw new IOException("The database connection was reset.");
            }

            return Inner.UpdateAsync(job, cancellationToken);
        }
    }
}

public sealed class Issue9Orders
{
    public decimal Price { get; set; }

    public int Count { get; set; }
}

public sealed class Issue9TwoDates
{
    public DateOnly Date1 { get; set; }

    public DateOnly Date2 { get; set; }
}
