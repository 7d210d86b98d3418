using System.Diagnostics;

namespace BulkData.Tests.Shared;

/// <summary>
/// Runs Node.js scripts kept beside the tests (independent tools that write or check our files). The first use
/// installs a folder's npm packages with <c>npm ci</c>, pinned by its package-lock.json.
/// </summary>
internal static class NodeScripts
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly HashSet<string> Installed = [];

    /// <summary>Installs the folder's packages once per process, unless they are there already.</summary>
    public static async Task InstallAsync(string folder, params string[] packages)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (!Installed.Contains(folder) && !packages.All(package => Directory.Exists(Path.Combine(folder, "node_modules", package))))
            {
                await RunAsync("npm", "ci --no-audit --no-fund", folder);
            }

            Installed.Add(folder);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>Runs a program in a folder and returns what it printed; fails with its output when it exits with an error.</summary>
    public static async Task<string> RunAsync(string program, string arguments, string folder)
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
            throw new InvalidOperationException($"'{program}' was not found. These tests run Node.js tools: install Node.js and npm (Debian: apt-get install nodejs npm).", e);
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

            return await output;
        }
    }
}
