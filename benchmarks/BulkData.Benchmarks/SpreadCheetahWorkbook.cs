namespace BulkData.Benchmarks;

/// <summary>
/// The SpreadCheetah baseline's writer, shared by the XLSX benchmarks and the ClosedXML project (which measures
/// ClosedXML against it in its own process): typed cells, a date style on the two date columns.
/// </summary>
internal static class SpreadCheetahWorkbook
{
    /// <summary>The columns of <see cref="BenchmarkRow"/>, in order.</summary>
    public static readonly string[] Headers = ["Id", "Count", "Price", "Ratio", "Active", "Created", "Due", "Key", "Tier", "Name"];

    public static async Task WriteAsync(Stream stream, IEnumerable<BenchmarkRow> rows)
    {
        await using (var spreadsheet = await SpreadCheetah.Spreadsheet.CreateNewAsync(stream))
        {
            await spreadsheet.StartWorksheetAsync("Sheet1");
            var date = spreadsheet.AddStyle(new SpreadCheetah.Styling.Style { Format = SpreadCheetah.Styling.NumberFormat.Standard(SpreadCheetah.Styling.StandardNumberFormat.DateAndTime) });
            var cells = new SpreadCheetah.Cell[Headers.Length];
            await spreadsheet.AddRowAsync(Headers.Select(h => new SpreadCheetah.Cell(h)).ToArray());
            foreach (var row in rows)
            {
                cells[0] = new(row.Id);
                cells[1] = new(row.Count);
                cells[2] = new(row.Price);
                cells[3] = new(row.Ratio);
                cells[4] = new(row.Active);
                cells[5] = new(row.Created, date);
                cells[6] = new(row.Due.ToDateTime(TimeOnly.MinValue), date);
                cells[7] = new(row.Key.ToString());
                cells[8] = new(row.Tier.ToString());
                cells[9] = new(row.Name);
                await spreadsheet.AddRowAsync(cells);
            }

            await spreadsheet.FinishAsync();
        }
    }
}
