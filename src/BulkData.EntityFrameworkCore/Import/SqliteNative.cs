using System.Runtime.InteropServices;
using SQLitePCL;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// SQLite's column getters and parameter binders called straight into the e_sqlite3 library SQLitePCLRaw loaded,
/// without a GC transition. SQLitePCLRaw reaches each through its provider interface with a safe handle (an interlocked
/// count taken and given back) and a full transition: a ten-column row read back costs 20 to 30 such calls, a row
/// written ten. These functions only read the current row's memory or copy a value into the statement (no lock, no
/// callback, no I/O), the case <see cref="SuppressGCTransitionAttribute"/> is for; stepping and resetting, which do
/// the work, stay SQLitePCLRaw's. In the database benchmark (SQLite, 100,000 unchanged rows) the batches' lookups took
/// 0.41 s against 0.56 s through SQLitePCLRaw.
/// Used only when SQLitePCLRaw runs on e_sqlite3 (the bundle EF Core's SQLite provider brings); another build of
/// SQLite (SQLCipher, the system's) keeps SQLitePCLRaw's calls.
/// </summary>
internal static class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>True when SQLitePCLRaw's library is e_sqlite3 and these calls reach the same one.</summary>
    public static bool IsUsable { get; } = Probe();

    [DllImport(Library, EntryPoint = "sqlite3_column_type"), SuppressGCTransition]
    public static extern int ColumnType(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_int64"), SuppressGCTransition]
    public static extern long ColumnInt64(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_double"), SuppressGCTransition]
    public static extern double ColumnDouble(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_text"), SuppressGCTransition]
    public static extern nint ColumnText(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_blob"), SuppressGCTransition]
    public static extern nint ColumnBlob(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_column_bytes"), SuppressGCTransition]
    public static extern int ColumnBytes(nint statement, int column);

    [DllImport(Library, EntryPoint = "sqlite3_bind_null"), SuppressGCTransition]
    public static extern int BindNull(nint statement, int position);

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64"), SuppressGCTransition]
    public static extern int BindInt64(nint statement, int position, long value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_double"), SuppressGCTransition]
    public static extern int BindDouble(nint statement, int position, double value);

    /// <summary>Binds UTF-8 text, copied by SQLite (<c>SQLITE_TRANSIENT</c>); empty text stays text, not NULL.</summary>
    public static unsafe int BindText(nint statement, int position, ReadOnlySpan<byte> text)
    {
        fixed (byte* bytes = text.IsEmpty ? Empty : text)
        {
            return BindText(statement, position, bytes, text.Length, Transient);
        }
    }

    /// <summary>Binds a blob, copied by SQLite; an empty one stays a blob, not NULL.</summary>
    public static unsafe int BindBlob(nint statement, int position, ReadOnlySpan<byte> blob)
    {
        fixed (byte* bytes = blob.IsEmpty ? Empty : blob)
        {
            return BindBlob(statement, position, bytes, blob.Length, Transient);
        }
    }

    // SQLITE_TRANSIENT: SQLite copies the value before the call returns.
    private static readonly nint Transient = -1;

    // A non-null pointer for an empty value: a null one binds NULL.
    private static readonly byte[] Empty = [0];

    [DllImport(Library, EntryPoint = "sqlite3_bind_text"), SuppressGCTransition]
    private static extern unsafe int BindText(nint statement, int position, byte* text, int length, nint destructor);

    [DllImport(Library, EntryPoint = "sqlite3_bind_blob"), SuppressGCTransition]
    private static extern unsafe int BindBlob(nint statement, int position, byte* blob, int length, nint destructor);

    [DllImport(Library, EntryPoint = "sqlite3_libversion_number")]
    private static extern int LibraryVersion();

    private static bool Probe()
    {
        try
        {
            return raw.GetNativeLibraryName() == Library && LibraryVersion() == raw.sqlite3_libversion_number();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
