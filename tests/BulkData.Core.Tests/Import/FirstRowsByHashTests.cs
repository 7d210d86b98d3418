using BulkData.Import;

namespace BulkData.Core.Tests.Import;

/// <summary>Issue 22 item 5: duplicate detection over a million rows within a flat memory budget (measured alone: the heap is the process's).</summary>
[Collection(MeasuredAlone.Name)]
public sealed class FirstRowsByHashTests
{
    [Fact]
    public void AMillionKeys_TakeUnder48Megabytes()
    {
        const int Keys = 1_000_000;
        var hash = new KeyHash();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var table = new FirstRowsByHash();
        for (var i = 0; i < Keys; i++)
        {
            Assert.True(hash.TryCompute(new ImportKey([Guid.CreateVersion7()]), out var key));
            Assert.True(table.TryAdd(key, i + 1, out _));
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(table);

        // A Dictionary<UInt128, long> held 73 MB here (48-byte entries; this, 38 MB) and twice its old arrays while it grew.
        Assert.InRange(held, 0, 48L * 1024 * 1024);
    }

    [Fact]
    public void ARepeatedHash_GivesTheFirstRow()
    {
        var table = new FirstRowsByHash();
        Assert.True(table.TryAdd(new UInt128(1, 2), 5, out _));
        Assert.True(table.TryAdd(new UInt128(2, 1), 6, out _));
        Assert.False(table.TryAdd(new UInt128(1, 2), 9, out var first));
        Assert.Equal(5, first);
        Assert.False(table.TryAdd(new UInt128(2, 1), 10, out first));
        Assert.Equal(6, first);
    }
}
