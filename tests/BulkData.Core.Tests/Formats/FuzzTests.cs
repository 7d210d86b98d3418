using System.IO.Compression;
using System.Text;
using BulkData.Jobs;
using BulkData.Sources;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Runs a property as a fuzz test: 2,000 cases from the fixed seed in CI. For a nightly run set
/// BULKDATA_FUZZ_CASES (e.g. 100000): the seed is then random, and printed with any failing case.
/// </summary>
public sealed class FuzzAttribute : PropertyAttribute
{
    public FuzzAttribute()
    {
        QuietOnSuccess = true;
        if (int.TryParse(Environment.GetEnvironmentVariable("BULKDATA_FUZZ_CASES"), out var cases))
        {
            MaxTest = cases;
        }
        else
        {
            MaxTest = 2_000;
            Replay = Properties.Replay;
        }
    }
}

/// <summary>
/// Issue 10's fuzzing: valid CSV, XLSX and JSON files mutated (cut short, bytes flipped, quotes, delimiters,
/// invalid UTF-8, huge numbers, deep nesting and duplicate ZIP entries inserted) are read to the end or
/// refused with BulkData's own error and a location: never another exception, never a hang (10 s a case),
/// never more than 64 MB allocated by a case (measured alone, after the other tests).
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class FuzzTests
{
    private static readonly TimeSpan PerCase = TimeSpan.FromSeconds(10);

    private const long MemoryLimit = 64L * 1024 * 1024;

    private static readonly byte[][] Nasty =
    [
        "\""u8.ToArray(), ","u8.ToArray(), ";"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "\"\""u8.ToArray(),
        [0xC3], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0x00],
        "99999999999999999999999999999999999999"u8.ToArray(), "1e400"u8.ToArray(), "-0"u8.ToArray(),
        Encoding.UTF8.GetBytes(new string('[', 300)), Encoding.UTF8.GetBytes(new string('{', 100)),
        "<c t=\"s\"><v>999999</v></c>"u8.ToArray(), "<c r=\"XFD1\" t=\"e\"><v>#REF!</v></c>"u8.ToArray(), "<row r=\"0\">"u8.ToArray(),
        "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>"u8.ToArray(), "&a;&#0;&#xFFFF;"u8.ToArray(), "]]>"u8.ToArray(), "<si><t>"u8.ToArray(),
        "<numFmt numFmtId=\"164\" formatCode=\"[h]:mm\"/>"u8.ToArray(), "<c s=\"9999\"><v>1e308</v></c>"u8.ToArray(),
        "\\ud800"u8.ToArray(), "\\udfff"u8.ToArray(), "\\ud83d\\u0041"u8.ToArray(), "\\u00"u8.ToArray(), "\\uZZZZ"u8.ToArray(), "\\"u8.ToArray(),
    ];

    private static readonly Lazy<byte[]> Csv = new(() => Encoding.UTF8.GetBytes(
        "Sku,Product Name,UnitPrice,Quantity,Color,Released\n"
        + "A-1,\"Hammer, claw\",12.50,3,Red,2024-03-01\n"
        + "A-2,\"say \"\"hi\"\"\",0.25,0,LightBlue,\n"
        + "A-3,\"multi\nline\",1e3,7,Green,1999-12-31\n"));

    private static readonly Lazy<byte[]> Json = new(() => Encoding.UTF8.GetBytes(
        """[{"Sku":"A-1","Product Name":"Hammer","UnitPrice":12.5,"Quantity":3,"Color":"Red","Released":"2024-03-01"},{"Sku":"A-2","Product Name":"x","UnitPrice":"0,25","Quantity":null,"Color":"Green","Released":null,"Extra":{"a":[1,2]}}]"""));

    private static readonly Lazy<byte[]> Xlsx = new(() =>
    {
        using var host = new TestHost();
        using var file = new MemoryStream();
        var products = new[]
        {
            new Product { Sku = "A-1", Name = "Hammer", UnitPrice = 12.5m, Quantity = 3, Color = Color.Red, Released = new DateOnly(2024, 3, 1) },
            new Product { Sku = "A-2", Name = "=1+2", UnitPrice = 0.25m, Color = Color.Green },
        };
        host.Exporter.For<Product>().From(products).ToAsync(XlsxSink.ToStream(file, new XlsxSinkOptions { SharedStrings = true })).GetAwaiter().GetResult();
        return file.ToArray();
    });

    /// <summary>One mutation of a file's bytes: where, what, and which kind.</summary>
    private sealed record Mutation(int Kind, double Where, double Length, int Token, byte Flip)
    {
        public byte[] Apply(byte[] bytes)
        {
            var at = (int)(Where * bytes.Length);
            var span = Math.Max(1, (int)(Length * 64));
            return Kind switch
            {
                0 => bytes[..at],
                1 => [.. bytes[..at], (byte)(bytes.Length > at ? bytes[at] ^ Flip : Flip), .. bytes[Math.Min(at + 1, bytes.Length)..]],
                2 => [.. bytes[..at], .. Nasty[Token % Nasty.Length], .. bytes[at..]],
                3 => [.. bytes[..at], .. bytes[at..Math.Min(at + span, bytes.Length)], .. bytes[at..]],
                _ => [.. bytes[..at], .. bytes[Math.Min(at + span, bytes.Length)..]],
            };
        }
    }

    private static Gen<Mutation> MutationGen() =>
        from kind in Gen.Choose(0, 4)
        from position in Gen.Choose(0, 10_000).Select(i => i / 10_000.0)
        from length in Gen.Choose(0, 100).Select(i => i / 100.0)
        from token in Gen.Choose(0, 1_000)
        from flip in Gen.Choose(1, 255).Select(b => (byte)b)
        select new Mutation(kind, position, length, token, flip);

    private static Arbitrary<Mutation[]> Mutations => Gen.Choose(1, 4).SelectMany(n => MutationGen().ArrayOf(n)).ToArbitrary();

    [Fuzz]
    public Property Csv_MutatedFiles_AreReadOrRefusedCleanly() =>
        Prop.ForAll(Mutations, mutations => ReadsCleanly(CsvSource.FromStream(new MemoryStream(Mutate(Csv.Value, mutations)))));

    [Fuzz]
    public Property Json_MutatedFiles_AreReadOrRefusedCleanly() =>
        Prop.ForAll(Mutations, mutations => ReadsCleanly(JsonSource.FromStream(new MemoryStream(Mutate(Json.Value, mutations)))));

    [Fuzz]
    public Property Xlsx_MutatedPackageBytes_AreReadOrRefusedCleanly() =>
        Prop.ForAll(Mutations, mutations => ReadsCleanly(XlsxSource.FromStream(new MemoryStream(Mutate(Xlsx.Value, mutations)))));

    [Fuzz]
    public Property Xlsx_MutatedPartsAndDuplicateEntries_AreReadOrRefusedCleanly() =>
        Prop.ForAll(
            Gen.Elements("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels")
                .SelectMany(part => Gen.Choose(0, 1).SelectMany(duplicate => MutationGen().ArrayOf().Select(m => (part, duplicate == 1, m))))
                .ToArbitrary(),
            @case => ReadsCleanly(XlsxSource.FromStream(new MemoryStream(MutatePart(Xlsx.Value, @case.part, @case.Item2, @case.m)))));

    private static byte[] Mutate(byte[] bytes, Mutation[] mutations) => mutations.Aggregate(bytes, (current, mutation) => mutation.Apply(current));

    /// <summary>Rewrites one part of the package with its XML mutated, optionally adding a second entry of the same name.</summary>
    private static byte[] MutatePart(byte[] workbook, string part, bool duplicate, Mutation[] mutations)
    {
        using var input = new ZipArchive(new MemoryStream(workbook), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var source = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(source);
                }

                var content = entry.FullName == part ? Mutate(source.ToArray(), mutations) : source.ToArray();
                foreach (var _ in Enumerable.Range(0, entry.FullName == part && duplicate ? 2 : 1))
                {
                    using var target = zip.CreateEntry(entry.FullName).Open();
                    target.Write(content);
                }
            }
        }

        return output.ToArray();
    }

    private static readonly TestHost Host = new();

    private static void ReadsCleanly(IImportSource source)
    {
        using var timeout = new CancellationTokenSource();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var run = Host.Importer.For<Product>().From(source).DryRunAsync(timeout.Token);
        var finished = run.Wait(PerCase);
        timeout.Cancel();
        Assert.True(finished, $"The read took more than {PerCase.TotalSeconds} s.");
        var used = GC.GetTotalAllocatedBytes(precise: false) - allocated;
        Assert.True(used < MemoryLimit, $"The read allocated {used:N0} bytes.");
        var result = run.Result;
        Assert.NotEqual(JobStatus.Processing, result.Status);
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.All(result.Errors.Where(e => e.Kind is Validation.RowErrorKind.Conversion or Validation.RowErrorKind.Validation), e => Assert.NotNull(e.RowNumber));
        if (result.Status == JobStatus.Failed)
        {
            // A file that cannot be read says why; no other exception escapes (DryRunAsync would throw it).
            Assert.NotNull(result.FailureReason);
        }
    }
}
