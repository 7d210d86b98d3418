using System.Diagnostics;

namespace BulkData.Benchmarks;

/// <summary>Runs this benchmark program again as a child process, so each measured run has a process of its own.</summary>
internal static class SelfProcess
{
    /// <summary>Runs the program with <paramref name="arguments"/> to its end; returns its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments)
    {
        // Started through `dotnet <assembly>` the program is the dotnet host; published, it is its own executable.
        var self = Environment.ProcessPath!;
        var assembly = self.EndsWith("dotnet", StringComparison.Ordinal) ? $"\"{typeof(SelfProcess).Assembly.Location}\" " : string.Empty;
        using var child = Process.Start(new ProcessStartInfo(self, assembly + arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        return (child.ExitCode, await output, await error);
    }
}
