using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Writes workbooks with ExcelJS, a widely used Node.js writer, through the scripts beside this file
/// (<c>write.js</c>: the fidelity workbook; <c>encrypted.js</c>: a password-protected one, encrypted by
/// officecrypto-tool). The first use installs them from the npm registry with <c>npm ci</c> (pinned by
/// package-lock.json).
/// </summary>
internal static class ExcelJsWorkbooks
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly string[] Packages = ["exceljs", "officecrypto-tool"];
    private static bool installed;

    public static async Task<byte[]> WriteAsync(string script = "write.js")
    {
        var folder = Folder();
        await InstallAsync(folder);
        var path = Path.Combine(Path.GetTempPath(), $"bulkdata-exceljs-{Guid.NewGuid():N}.xlsx");
        try
        {
            await RunAsync("node", $"{script} \"{path}\"", folder);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task InstallAsync(string folder)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (!installed && !Packages.All(package => Directory.Exists(Path.Combine(folder, "node_modules", package))))
            {
                await RunAsync("npm", "ci --no-audit --no-fund", folder);
            }

            installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task RunAsync(string program, string arguments, string folder)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{program}' was not found. These tests write workbooks with ExcelJS on Node.js: install Node.js and npm (Debian: apt-get install nodejs npm).", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{program} {arguments}' failed with exit code {process.ExitCode}:\n{await output}\n{await error}");
            }
        }
    }

    private static string Folder([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "exceljs");
}
