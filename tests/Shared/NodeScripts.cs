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

    /// <summary>Runs a Node.js program (node, npm) in a folder and returns what it printed; fails with its output when it exits with an error.</summary>
    public static Task<string> RunAsync(string program, string arguments, string folder) =>
        Programs.RunAsync(program, arguments, folder, "These tests run Node.js tools: install Node.js and npm (Debian: apt-get install nodejs npm).");
}
