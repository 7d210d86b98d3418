using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// The SELECT of a batch's existing records compiled once on a SQLite connection's native handle, its one parameter
/// the keys' JSON array. Written by hand for the reason <see cref="SqliteStatement"/> is: Microsoft.Data.Sqlite's data
/// reader checks its state and the column's type on every <c>IsDBNull</c> and <c>GetFieldValue</c>, about 22 µs of a
/// ten-column row read back in the database benchmark (docs/benchmarks.md). It reads only the forms the writer stores
/// (<see cref="SqliteValue.TryRead"/>); a row holding any other (a value another tool wrote, a NULL in a column the
/// model says is required) makes it give the batch back to Microsoft.Data.Sqlite, which reads every form.
/// </summary>
internal sealed class SqliteQuery : IDisposable
{
    private readonly sqlite3 db;
    private readonly sqlite3_stmt statement;
    private readonly TableColumn[] columns;
    private readonly SqliteValueKind[] kinds;
    private byte[] utf8 = new byte[4096];

    private SqliteQuery(sqlite3 db, sqlite3_stmt statement, TableColumn[] columns, SqliteValueKind[] kinds)
    {
        this.db = db;
        this.statement = statement;
        this.columns = columns;
        this.kinds = kinds;
    }

    /// <summary>The query, or null when a column's type is one only Microsoft.Data.Sqlite reads.</summary>
    /// <param name="connection">The open connection, in the transaction that runs the query.</param>
    /// <param name="sql">The SELECT of <paramref name="columns"/>, in order, with one text parameter.</param>
    /// <param name="columns">The columns it selects.</param>
    public static SqliteQuery? TryPrepare(SqliteConnection connection, string sql, TableColumn[] columns)
    {
        if (!SqliteNative.IsUsable || SqliteValue.KindsOf(columns) is not { } kinds)
        {
            return null;
        }

        var db = connection.Handle!;
        SqliteValue.Check(db, raw.sqlite3_prepare_v2(db, sql, out var compiled));
        return new SqliteQuery(db, compiled, columns, kinds);
    }

    /// <summary>
    /// Runs the query and adds a new entity per row to <paramref name="found"/>; false, with nothing added, when a
    /// value is in a form only Microsoft.Data.Sqlite reads.
    /// </summary>
    public bool TryRead(string parameter, Func<object> create, List<object> found)
    {
        var start = found.Count;
        try
        {
            SqliteValue.Check(db, raw.sqlite3_bind_text(statement, 1, SqliteValue.Utf8(parameter, ref utf8)));
            var handle = statement.DangerousGetHandle();
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var entity = create();
                for (var c = 0; c < columns.Length; c++)
                {
                    object? value = null;
                    var storage = SqliteNative.ColumnType(handle, c);
                    if (storage == raw.SQLITE_NULL
                        ? !columns[c].Property.IsNullable
                        : !SqliteValue.TryRead(handle, c, storage, kinds[c], columns[c].ProviderType, out value))
                    {
                        found.RemoveRange(start, found.Count - start);
                        return false;
                    }

                    columns[c].Write(entity, value is null ? null : columns[c].FromProvider(value));
                }

                found.Add(entity);
            }

            SqliteValue.Check(db, rc);
            return true;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => statement.Dispose();
}
