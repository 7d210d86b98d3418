using System.Runtime.InteropServices;
using SkiaSharp;

namespace BulkData.Pdf;

/// <summary>
/// The stream Skia writes the PDF into: bytes kept in managed memory until <see cref="DrainToAsync"/> hands them on
/// asynchronously (Skia writes synchronously, and ASP.NET Core's response refuses synchronous writes), while the count
/// of bytes written keeps growing across drains. Skia takes every cross-reference offset from that count: a memory
/// stream detached after each page (<see cref="SKDynamicMemoryWStream.DetachAsData"/>) starts it again at zero, which
/// left the offsets of any file past its first drained page pointing into other objects.
/// </summary>
internal sealed class PdfOutput : SKAbstractManagedWStream
{
    private readonly MemoryStream buffer = new();
    private long written;

    /// <summary>Writes what Skia has produced since the last call to <paramref name="output"/>.</summary>
    public async ValueTask DrainToAsync(Stream output, CancellationToken cancellationToken)
    {
        if (buffer.Length > 0)
        {
            await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
            buffer.SetLength(0);
        }
    }

    protected override bool OnWrite(IntPtr data, IntPtr size)
    {
        var start = (int)buffer.Length;
        var length = checked((int)size);
        buffer.SetLength(start + length);
        Marshal.Copy(data, buffer.GetBuffer(), start, length);
        written += length;
        return true;
    }

    protected override void OnFlush()
    {
        // Nothing to flush: the bytes wait in memory for the next drain.
    }

    protected override IntPtr OnBytesWritten() => checked((IntPtr)written);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            buffer.Dispose();
        }

        base.Dispose(disposing);
    }
}
