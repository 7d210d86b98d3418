using System.Net;
using System.Text;
using BulkData.Jobs;

namespace BulkData.AspNetCore.Tests;

/// <summary>Issue 13: uploads are streamed to the file store, never held whole in memory, and many can arrive at once.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class UploadLoadTests
{
    [Fact]
    public async Task Upload_Of200MB_IsStreamed_ServerMemoryGrowsLessThan64MB()
    {
        await using var server = await TestServer.StartAsync(runJobs: false);
        const long size = 200L * 1024 * 1024;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = before;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(10);
            }
        });

        using var upload = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", "ann", content: new StreamContent(new GeneratedCsv(size))));
        await done.CancelAsync();
        await sampler;

        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var stored = Directory.GetFiles(server.Folder, "*.bin").Single();
        Assert.Equal(size, new FileInfo(stored).Length);
        Assert.True(peak - before < 64L * 1024 * 1024, $"The managed heap grew by {(peak - before) / 1048576} MB while 200 MB were uploaded.");
        Console.WriteLine($"200 MB upload: managed heap +{(peak - before) / 1048576} MB at peak.");
    }

    [Fact]
    public async Task FiftyConcurrentUploads_AllComplete()
    {
        await using var server = await TestServer.StartAsync();

        var uploads = await Task.WhenAll(Enumerable.Range(0, 50).Select(async n =>
        {
            var csv = $"Email,Name,Age\nu{n}@example.com,User {n},{20 + n}\n";
            using var response = await server.Client.SendAsync(TestServer.As(HttpMethod.Post, "/bulkdata/contact/imports", $"user{n}", content: new StringContent(csv, Encoding.UTF8, "text/csv")));
            return (response.StatusCode, response.Headers.Location);
        }));

        Assert.All(uploads, u => Assert.Equal(HttpStatusCode.Accepted, u.StatusCode));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (server.Contacts.Count < 50)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{server.Contacts.Count} of 50 imported.");
            await Task.Delay(50);
        }

        Assert.Equal(50, server.Contacts.Select(c => c.Email).Distinct().Count());
    }

    /// <summary>A CSV of the given size made as it is read: the test holds none of it.</summary>
    private sealed class GeneratedCsv(long size) : Stream
    {
        private static readonly byte[] Row = Encoding.ASCII.GetBytes("someone@example.com,Some One,42\n");
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, size - position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = position + i < 15 ? (byte)"Email,Name,Age\n"[(int)(position + i)] : Row[(int)((position + i - 15) % Row.Length)];
            }

            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>Issue 13: large exports stream to slow clients in flat memory, and a client that goes away cancels its export.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class ExportStreamingTests
{
    private const int Rows = 1_000_000;

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task MillionRowExport_ToASlowClient_StreamsInFlatMemory(string format)
    {
        await using var server = await TestServer.StartAsync(generatedRows: Rows);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peak = before;

        using var response = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, $"/bulkdata/contact/export?format={format}", "ann"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long received = 0;
        int read;
        var chunks = 0;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            received += read;
            if (++chunks % 16 == 0)
            {
                // A slow client: it pauses now and then, so the server waits on the network, not on itself.
                await Task.Delay(1);
            }

            if (chunks % 64 == 0)
            {
                // What the server holds on to (the garbage of rows already sent is collected first).
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        var job = (await server.Jobs.QueryAsync(new JobQuery { Kind = JobKind.Export }).ToListAsync()).Single();
        Assert.Equal((JobStatus.Completed, (long)Rows), (job.Status, job.Counts.Read));
        Assert.True(peak - before < 16L * 1024 * 1024, $"The managed heap grew by {(peak - before) / 1048576} MB while {received / 1048576} MB of {format} streamed.");
        Console.WriteLine($"1,000,000-row {format} export: {received / 1048576} MB streamed, managed heap +{(peak - before) / 1048576} MB at peak.");
    }

    /// <summary>
    /// The server learns that a client left when its I/O loop next runs; on a busy machine a million rows (well under a
    /// second of CSV) can be written before that. Ten million leave room to see the export stop before its end.
    /// </summary>
    [Fact]
    public async Task ClientThatGoesAway_CancelsTheExport()
    {
        const int AbandonedRows = 10 * Rows;
        // Ten million rows are over the default inline limit (a 413 before any row); this host allows them.
        await using var server = await TestServer.StartAsync(o => o.MaxInlineExportRows = long.MaxValue, generatedRows: AbandonedRows);

        using (var leave = new CancellationTokenSource())
        using (var response = await server.Client.SendAsync(TestServer.As(HttpMethod.Get, "/bulkdata/contact/export?format=csv", "ann"), HttpCompletionOption.ResponseHeadersRead, leave.Token))
        {
            await using var body = await response.Content.ReadAsStreamAsync(leave.Token);
            await body.ReadAtLeastAsync(new byte[64 * 1024], 64 * 1024, throwOnEndOfStream: false, leave.Token);

            // Cancelling the request aborts the connection at once (disposing might first drain the response).
            await leave.CancelAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        Job? job;
        while ((job = (await server.Jobs.QueryAsync(new JobQuery { Kind = JobKind.Export }).ToListAsync()).SingleOrDefault()) is not { IsFinished: true })
        {
            Assert.True(DateTime.UtcNow < deadline, $"The export is still {job?.Status}.");
            await Task.Delay(20);
        }

        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.True(job.Counts.Read < AbandonedRows, $"{job.Counts.Read} rows were written for a client that had left.");
    }
}
