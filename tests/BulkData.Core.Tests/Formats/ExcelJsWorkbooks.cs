using System.Runtime.CompilerServices;
using BulkData.Tests.Shared;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Writes workbooks with ExcelJS, a widely used Node.js writer, through the scripts beside this file
/// (<c>write.js</c>: the fidelity workbook; <c>encrypted.js</c>: a password-protected one, encrypted by
/// officecrypto-tool). The first use installs them from the npm registry with <c>npm ci</c> (pinned by
/// package-lock.json).
/// </summary>
internal static class ExcelJsWorkbooks
{
    private static readonly string[] Packages = ["exceljs", "officecrypto-tool"];

    /// <summary>Runs a script with the path to write and, when given, one more argument (<c>encrypted.js</c>: the password).</summary>
    public static async Task<byte[]> WriteAsync(string script = "write.js", string? argument = null)
    {
        var folder = Folder();
        await NodeScripts.InstallAsync(folder, Packages);
        var path = Path.Combine(Path.GetTempPath(), $"bulkdata-exceljs-{Guid.NewGuid():N}.xlsx");
        try
        {
            await NodeScripts.RunAsync("node", $"{script} \"{path}\"{(argument is null ? string.Empty : $" \"{argument}\"")}", folder);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Folder([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "exceljs");
}
