using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BulkData.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL server started from the machine's binaries (initdb + pg_ctl) in a temp folder,
/// on a free port, as a non-root user, and removed afterwards. Without the binaries, tests fail saying
/// what to install. Shared by the database tests (as their collection fixture) and the database benchmark.
/// </summary>
public sealed partial class PostgresServer
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"bulkdata-pg-{Guid.NewGuid():N}");
    private string binaries = "";
    private int port;
    private int databases;

    public string DataDirectory => Path.Combine(folder, "data");

    public async Task InitializeAsync()
    {
        binaries = FindBinaries();
        port = FreePort();
        Directory.CreateDirectory(folder);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // PostgreSQL refuses to run as root: the cluster belongs to the 'postgres' user the package creates.
            await RunAsync("chown", $"postgres \"{folder}\"");
        }

        await RunPostgresAsync(asRoot, "initdb", $"-D \"{DataDirectory}\" -U bulkdata -A trust -E UTF8 --no-sync");
        await RunPostgresAsync(asRoot, "pg_ctl", $"-D \"{DataDirectory}\" -l \"{folder}/server.log\" -w -t 60 -o \"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start");
    }

    public async Task DisposeAsync()
    {
        if (binaries.Length > 0 && Directory.Exists(DataDirectory))
        {
            await RunPostgresAsync(Environment.UserName == "root", "pg_ctl", $"-D \"{DataDirectory}\" -m immediate -w stop");
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref databases)}_{Guid.NewGuid():N}"[..30];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Username=bulkdata;Database={database};Pooling=true;Maximum Pool Size=50";

    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Concat(Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")) : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("The PostgreSQL tests need a PostgreSQL server's binaries (initdb, pg_ctl), and none were found. Install them: apt-get install postgresql (Debian/Ubuntu).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunPostgresAsync(bool asRoot, string tool, string arguments) =>
        asRoot ? RunAsync("runuser", $"-u postgres -- {Path.Combine(binaries, tool)} {arguments}") : RunAsync(Path.Combine(binaries, tool), arguments);

    private async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(folder, "server.log");
            throw new InvalidOperationException($"'{program} {arguments}' failed ({process.ExitCode}): {await output} {await error} {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
        }
    }
}
