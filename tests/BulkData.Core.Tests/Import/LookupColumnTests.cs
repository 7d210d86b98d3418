using System.ComponentModel.DataAnnotations;
using System.Text;
using BulkData.Import;
using BulkData.Resources;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Core.Tests.Import;

/// <summary>Issue 26 item 1: lookup columns through any <see cref="IReferenceResolver"/>, declared by attribute, into any target.</summary>
public sealed class LookupColumnTests
{
    public sealed class Client
    {
        public int Id { get; set; }

        public string Email { get; set; } = "";
    }

    public sealed class Invoice
    {
        [Key]
        public string Reference { get; set; } = "";

        [LookUp(typeof(Client), nameof(Client.Email))]
        public int ClientId { get; set; }
    }

    /// <summary>Clients held in a list, found as a database would find them; counts its calls.</summary>
    private sealed class Clients(params Client[] clients) : IReferenceResolver
    {
        public int Calls { get; private set; }

        public ValueTask<IReadOnlyDictionary<TNatural, object>> ResolveAsync<TReferenced, TNatural>(string naturalKey, IReadOnlyCollection<TNatural> values, CancellationToken cancellationToken = default)
            where TReferenced : class
            where TNatural : notnull
        {
            Calls++;
            IReadOnlyDictionary<TNatural, object> found = clients.Where(c => values.Contains((TNatural)(object)c.Email)).ToDictionary(c => (TNatural)(object)c.Email, c => (object)c.Id);
            return ValueTask.FromResult(found);
        }

        public ValueTask<IReadOnlyDictionary<object, TNatural>> NaturalKeysAsync<TReferenced, TKey, TNatural>(string naturalKey, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken = default)
            where TReferenced : class
            where TNatural : notnull
        {
            Calls++;
            IReadOnlyDictionary<object, TNatural> found = clients.Where(c => keys.Contains((TKey)(object)c.Id)).ToDictionary(c => (object)c.Id, c => (TNatural)(object)c.Email);
            return ValueTask.FromResult(found);
        }
    }

    [Fact]
    public async Task Import_ThroughTheRegisteredResolver_ResolvesByAttribute_OnceAFile()
    {
        var clients = new Clients(new Client { Id = 7, Email = "ann@example.com" }, new Client { Id = 9, Email = "bob@example.com" });
        using var host = new TestHost(b => b.AddResource<Invoice>(), services => services.AddSingleton<IReferenceResolver>(clients));
        var invoices = new List<Invoice>();

        var result = await host.Importer.For<Invoice>()
            .From(CsvSource.FromText("Reference,Client Id\nA,ann@example.com\nB, bob@example.com\nC,eve@example.com\nD,ann@example.com\n"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(invoices);

        Assert.Equal(["A:7", "B:9", "D:7"], invoices.Select(i => $"{i.Reference}:{i.ClientId}"));
        Assert.Equal((3L, "ClientId", "No Client has the Email 'eve@example.com'. Check the value, or add the Client first."), (result.Errors.Single().RowNumber!.Value, result.Errors[0].Column!, result.Errors[0].Message));
        Assert.Equal(1, clients.Calls);
    }

    [Fact]
    public async Task Export_WritesTheNaturalKeys()
    {
        var clients = new Clients(new Client { Id = 7, Email = "ann@example.com" });
        using var host = new TestHost(b => b.AddResource<Invoice>(), services => services.AddSingleton<IReferenceResolver>(clients));
        using var csv = new MemoryStream();

        await host.Exporter.For<Invoice>().From([new Invoice { Reference = "A", ClientId = 7 }, new Invoice { Reference = "B", ClientId = 8 }]).ToAsync(CsvSink.ToStream(csv));

        // A key no client has is written as it is.
        Assert.Equal(["Reference,ClientId", "A,ann@example.com", "B,8"], Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Import_WithNothingToResolve_FailsNamingWhatToRegister()
    {
        using var host = new TestHost(b => b.AddResource<Invoice>());

        var error = await Assert.ThrowsAsync<BulkDataConfigurationException>(() => host.Importer.For<Invoice>().From(CsvSource.FromText("Reference,Client Id\nA,ann@example.com\n")).IntoAsync(new List<Invoice>()));

        Assert.Contains("register an IReferenceResolver (UseEntityFrameworkLookups)", error.Message, StringComparison.Ordinal);
    }
}
