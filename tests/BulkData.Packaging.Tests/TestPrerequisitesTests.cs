using System.Diagnostics;

namespace BulkData.Packaging.Tests;

/// <summary>
/// Issue 24: the README's test command installs what the tests drive (eng/test-prerequisites.sh, run by
/// tests/Directory.Build.targets before each test project): a second run installs nothing, and a package that cannot
/// be installed fails at once, naming the package and the command to run.
/// </summary>
public sealed class TestPrerequisitesTests
{
    private static readonly string Script = Path.Combine(PackedPackages.Root(), "eng", "test-prerequisites.sh");

    [Fact]
    public async Task Setup_WhenEverythingIsThere_InstallsNothingAndReturnsInSeconds()
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await RunAsync(requirements: null);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("Installing", output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"The second run took {clock.Elapsed}.");
    }

    [Fact]
    public async Task Setup_WhenAPackageCannotBeInstalled_FailsNamingThePackageAndTheCommand()
    {
        var (exitCode, output) = await RunAsync("bulkdata-tool-nobody-has|bulkdata-no-such-package");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("apt-get install bulkdata-no-such-package", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string? requirements)
    {
        var start = new ProcessStartInfo("bash", $"\"{Script}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (requirements is not null)
        {
            start.Environment["BULKDATA_TEST_PREREQUISITES"] = requirements;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
