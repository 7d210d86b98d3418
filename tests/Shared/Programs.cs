using System.Diagnostics;

namespace BulkData.Tests.Shared;

/// <summary>Runs the programs tests drive (dotnet, node, npm) in a folder, to their end.</summary>
internal static class Programs
{
    /// <summary>Runs a program in a folder and returns what it printed; fails with its output when it exits with an error.</summary>
    /// <param name="program">The program, found on the PATH.</param>
    /// <param name="arguments">Its command line.</param>
    /// <param name="folder">Its working folder.</param>
    /// <param name="whenMissing">What to install, said when the program is not on the machine; null to let that error through.</param>
    public static async Task<string> RunAsync(string program, string arguments, string folder, string? whenMissing = null)
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
        catch (System.ComponentModel.Win32Exception e) when (whenMissing is not null)
        {
            throw new InvalidOperationException($"'{program}' was not found. {whenMissing}", e);
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
