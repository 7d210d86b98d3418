using System.IO.Compression;
using System.Text;
using System.Xml;
using BenchmarkDotNet.Attributes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using ExcelDataReader;

namespace BulkData.Benchmarks;

/// <summary>
/// XLSX import. The baseline is the floor: a bare ZipArchive + XmlReader pass that only walks the cells.
/// The other readers return each cell's value; BulkData returns typed, validated POCOs and records a job.
/// </summary>
[MemoryDiagnoser]
public class XlsxImportBenchmarks : FormatBenchmark
{
    private byte[] xlsx = [];

    static XlsxImportBenchmarks() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [GlobalSetup]
    public void Setup() => xlsx = Datasets.File("xlsx", Rows);

    [Benchmark(Baseline = true, Description = "Floor: ZipArchive + XmlReader")]
    public int Floor()
    {
        using var archive = new ZipArchive(new MemoryStream(xlsx));
        using var xml = XmlReader.Create(archive.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        var cells = 0;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "c")
            {
                cells++;
            }
        }

        return cells;
    }

    [Benchmark(Description = "OpenXML DOM")]
    public int OpenXmlDom()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var sheet = document.WorkbookPart!.WorksheetParts.First().Worksheet;
        var values = 0;
        foreach (var cell in sheet.Descendants<Cell>())
        {
            values += (cell.CellValue?.Text ?? cell.InnerText).Length > 0 ? 1 : 0;
        }

        return values;
    }

    [Benchmark(Description = "OpenXML OpenXmlReader")]
    public int OpenXmlSax()
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        using var reader = OpenXmlReader.Create(document.WorkbookPart!.WorksheetParts.First());
        var values = 0;
        while (reader.Read())
        {
            if (reader.ElementType == typeof(CellValue) || reader.ElementType == typeof(Text))
            {
                values += reader.GetText().Length > 0 ? 1 : 0;
            }
        }

        return values;
    }

    [Benchmark(Description = "ExcelDataReader")]
    public int ExcelDataReaderLoop()
    {
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(xlsx));
        var values = 0;
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values += reader.GetValue(i) is null ? 0 : 1;
            }
        }

        return values;
    }

    /// <summary>MiniExcel's streaming query, each cell's value counted like ExcelDataReader's.</summary>
    [Benchmark(Description = "MiniExcel 1.46")]
    public int MiniExcelQuery()
    {
        var values = 0;
        foreach (IDictionary<string, object?> row in MiniExcelLibs.MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true))
        {
            foreach (var value in row.Values)
            {
                values += value is null ? 0 : 1;
            }
        }

        return values;
    }

    [Benchmark(Description = "BulkData import")]
    public Task<List<BenchmarkRow>> BulkDataImport() => ImportAsync(XlsxSource.FromStream(new MemoryStream(xlsx)));
}

/// <summary>XLSX export: BulkData's streaming sink against the OpenXML SDK's writer and DOM.</summary>
[MemoryDiagnoser]
public class XlsxExportBenchmarks : FormatBenchmark
{
    private static string[] Headers => SpreadCheetahWorkbook.Headers;
    private BenchmarkRow[] rows = [];

    [GlobalSetup]
    public void Setup() => rows = Datasets.Rows(Rows);

    [Benchmark(Baseline = true, Description = "OpenXML OpenXmlWriter")]
    public long OpenXmlWriterExport()
    {
        using var output = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var part = workbook.AddNewPart<WorksheetPart>();
            using (var writer = OpenXmlWriter.Create(part))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                writer.WriteStartElement(new Row());
                foreach (var header in Headers)
                {
                    writer.WriteElement(Text(header));
                }

                writer.WriteEndElement();
                foreach (var row in rows)
                {
                    writer.WriteStartElement(new Row());
                    writer.WriteElement(Number(row.Id));
                    writer.WriteElement(Number(row.Count));
                    writer.WriteElement(Number((double)row.Price));
                    writer.WriteElement(Number(row.Ratio));
                    writer.WriteElement(new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(row.Active ? "1" : "0") });
                    writer.WriteElement(Number(row.Created.ToOADate()));
                    writer.WriteElement(Number(row.Due.ToDateTime(TimeOnly.MinValue).ToOADate()));
                    writer.WriteElement(Text(row.Key.ToString()));
                    writer.WriteElement(Text(row.Tier.ToString()));
                    writer.WriteElement(Text(row.Name));
                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            workbook.Workbook.Sheets!.Append(new Sheet { Name = "Sheet1", SheetId = 1, Id = workbook.GetIdOfPart(part) });
        }

        return output.Length;
    }

    [Benchmark(Description = "OpenXML DOM")]
    public long OpenXmlDomExport()
    {
        using var output = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(output, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var part = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData(new Row(Headers.Select(Text)));
            foreach (var row in rows)
            {
                data.Append(new Row(
                    Number(row.Id), Number(row.Count), Number((double)row.Price), Number(row.Ratio),
                    new Cell { DataType = CellValues.Boolean, CellValue = new CellValue(row.Active ? "1" : "0") },
                    Number(row.Created.ToOADate()), Number(row.Due.ToDateTime(TimeOnly.MinValue).ToOADate()),
                    Text(row.Key.ToString()), Text(row.Tier.ToString()), Text(row.Name)));
            }

            part.Worksheet = new Worksheet(data);
            workbook.Workbook.Sheets!.Append(new Sheet { Name = "Sheet1", SheetId = 1, Id = workbook.GetIdOfPart(part) });
        }

        return output.Length;
    }

    /// <summary>SpreadCheetah (the fastest .NET XLSX writer): typed cells, a date style on the two date columns.</summary>
    [Benchmark(Description = "SpreadCheetah 1.28")]
    public async Task<long> SpreadCheetahExport()
    {
        var output = new CountingStream();
        await SpreadCheetahWorkbook.WriteAsync(output, rows);
        return output.Length;
    }

    /// <summary>MiniExcel's writer, from rows projected to the types it knows.</summary>
    [Benchmark(Description = "MiniExcel 1.46")]
    public long MiniExcelExport()
    {
        var output = new CountingStream();
        MiniExcelLibs.MiniExcel.SaveAs(output, rows.Select(r => new { r.Id, r.Count, r.Price, r.Ratio, r.Active, r.Created, Due = r.Due.ToDateTime(TimeOnly.MinValue), Key = r.Key.ToString(), Tier = r.Tier.ToString(), r.Name }));
        return output.Length;
    }

    [Benchmark(Description = "BulkData export")]
    public Task<long> BulkDataExport() => ExportAsync(rows, output => XlsxSink.ToStream(output));

    private static Cell Number(double value) => new() { CellValue = new CellValue(value) };

    private static Cell Text(string value) => new(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(value))) { DataType = CellValues.InlineString };
}
