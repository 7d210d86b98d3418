using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BulkData.Importer.Tests;

/// <summary>
/// Issue 14: the importer page, in a real browser, against the sample web app. A user drops a CSV whose 'Name'
/// header is misspelt and two of whose rows are wrong, fixes the mapping in the dropdown, sees the errors on the
/// cells, downloads the error report, imports the valid rows and undoes it. With <c>BULKDATA_SCREENSHOTS</c> set to a
/// folder, each step's screenshot is saved there (docs/images holds the committed ones).
/// </summary>
[Trait("Category", "Browser")]
public sealed class ImporterPageTests(SampleWebApp app) : IClassFixture<SampleWebApp>
{
    private const string Csv = "Sku,Nmae,Price,Quantity\nA-1,Hammer,12.50,10\nA-2,Saw,abc,4\nA-3,Drill,89.90,2\nA-4,Pliers,7.25,many\nA-5,Level,15,6\n";

    [Fact]
    public async Task Importer_MisspeltHeaderAndTwoBadRows_FixMappingSeeErrorsDownloadCommitPartialUndo()
    {
        var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 }, AcceptDownloads = true });
        await page.GotoAsync(new Uri(app.Address, "/import").ToString());
        await page.WaitForSelectorAsync("#bulkdata-importer[data-ready=true]");
        Assert.Equal("Import data", await page.TitleAsync());
        Assert.Equal("product", await page.InputValueAsync("#bd-resource"));

        // 1. Upload: the mapping leaves the misspelt column out, and says which required field is unmatched.
        await page.SetInputFilesAsync("#bd-file", new FilePayload { Name = "products.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(Csv) });
        await page.WaitForSelectorAsync("#bd-mapping:not([hidden])");
        await Expect(page.Locator("#bd-missing")).ToContainTextAsync("Name");
        Assert.Equal(string.Empty, await page.InputValueAsync("#bd-map-1"));
        Assert.Equal("Sku", await page.InputValueAsync("#bd-map-0"));
        Assert.True(await page.IsDisabledAsync("#bd-commit"));
        await ScreenshotAsync(page, "importer-1-mapping");

        // 2. The user picks the field in the dropdown: the rows are checked again; two have errors, on their cells.
        await page.SelectOptionAsync("#bd-map-1", "Name");
        await Expect(page.Locator("#bd-invalid")).ToHaveTextAsync("2 rows with errors");
        await Expect(page.Locator("#bd-valid")).ToHaveTextAsync("3 rows ready");
        await Expect(page.Locator("#bd-missing")).ToBeHiddenAsync();
        var invalid = page.Locator("#bd-grid td.bd-invalid");
        await Expect(invalid).ToHaveCountAsync(2);
        Assert.Contains("'abc' is not", await invalid.Nth(0).GetAttributeAsync("title"), StringComparison.Ordinal);
        Assert.Contains("'many' is not", await invalid.Nth(1).GetAttributeAsync("title"), StringComparison.Ordinal);
        await invalid.Nth(0).HoverAsync();
        await ScreenshotAsync(page, "importer-2-preview");

        // 3. The error report: the two rows, in the upload's format, each with its error.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#bd-download-errors"));
        var report = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = report.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("A-2,Saw,abc,4,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("A-4,Pliers,7.25,many,", lines[2], StringComparison.Ordinal);

        // 4. Partial commit (chosen for the user, since rows have errors), with upsert; the result; the database.
        Assert.True(await page.IsCheckedAsync("input[name=bd-mode][value=Partial]"));
        await page.SelectOptionAsync("#bd-merge", "Upsert");
        await ScreenshotAsync(page, "importer-3-options");
        await page.ClickAsync("#bd-commit");
        await page.WaitForSelectorAsync("#bd-result:not([hidden])");
        Assert.Equal(["3", "0", "0", "0", "2"], [await page.TextContentAsync("#bd-created") ?? "", await page.TextContentAsync("#bd-updated") ?? "", await page.TextContentAsync("#bd-unchanged") ?? "", await page.TextContentAsync("#bd-skipped") ?? "", await page.TextContentAsync("#bd-failed") ?? ""]);
        Assert.Equal(["A-1 Hammer 12.50 10", "A-3 Drill 89.90 2", "A-5 Level 15.00 6"], await app.ProductsAsync());
        await Expect(page.Locator("#bd-history-table tbody tr").First).ToContainTextAsync("Imported, some rows not");
        await ScreenshotAsync(page, "importer-4-result");

        // 5. Undo.
        await page.ClickAsync("#bd-undo");
        await Expect(page.Locator("#bd-status")).ToContainTextAsync("3 records deleted");
        Assert.Empty(await app.ProductsAsync());
        await Expect(page.Locator("#bd-history-table tbody tr").First).ToContainTextAsync("Undone");
        Assert.True(await page.IsDisabledAsync("#bd-undo"));

        // Accessible as axe-core sees it: no serious or critical violation on the page in its final state.
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})"));
        await page.CloseAsync();
    }

    /// <summary>At 375 pixels wide nothing overflows the screen, and the keyboard reaches the resource and the file button in order.</summary>
    [Fact]
    public async Task Importer_OnAPhoneWidth_FitsAndWorksFromTheKeyboard()
    {
        var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 375, Height = 812 } });
        await page.GotoAsync(new Uri(app.Address, "/import").ToString());
        await page.WaitForSelectorAsync("#bulkdata-importer[data-ready=true]");

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the screen");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("bd-resource", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("bd-choose", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // Enter on the button opens the file picker: it clicks the file input (the picker itself is the browser's).
        await page.EvaluateAsync("() => document.getElementById('bd-file').addEventListener('click', () => window.pickerOpened = true)");
        await page.Keyboard.PressAsync("Enter");
        Assert.True(await page.EvaluateAsync<bool>("() => window.pickerOpened === true"), "Enter on 'choose a file' did not open the file picker");
        await page.SetInputFilesAsync("#bd-file", new FilePayload { Name = "phone.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("Sku,Name,Price,Quantity\nP-1,Phone case,9.99,3\n") });
        await Expect(page.Locator("#bd-valid")).ToHaveTextAsync("1 row ready");
        await Expect(page.Locator("#bd-download-errors")).ToBeHiddenAsync();
        await Expect(page.Locator("#bd-cancel")).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the screen with the preview shown");
        await ScreenshotAsync(page, "importer-5-phone");
        await page.CloseAsync();
    }

    /// <summary>Issue 25: the page lets the user say how to read the file: a semicolon CSV saved in Windows-1252 previews its letters as written.</summary>
    [Fact]
    public async Task Importer_ReadingOptions_ReadALegacyCsvAsWritten()
    {
        var page = await app.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        await page.GotoAsync(new Uri(app.Address, "/import").ToString());
        await page.WaitForSelectorAsync("#bulkdata-importer[data-ready=true]");

        await page.ClickAsync("#bd-reading summary");
        await page.SelectOptionAsync("#bd-delimiter", ";");
        await page.SelectOptionAsync("#bd-encoding", "windows-1252");
        await page.SetInputFilesAsync("#bd-file", new FilePayload { Name = "legacy.csv", MimeType = "text/csv", Buffer = Encoding.Latin1.GetBytes("Sku;Name;Price;Quantity\nC-1;Crème brûlée;3.50;2\n") });

        await Expect(page.Locator("#bd-valid")).ToHaveTextAsync("1 row ready");
        await Expect(page.Locator("#bd-grid tbody")).ToContainTextAsync("Crème brûlée");
        await page.CloseAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("BULKDATA_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
        }
    }
}
