using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// Reads, inserts and updates rows of one table with plain SQL on the context's connection and transaction, never
/// through EF Core's change tracker. On SQLite (in the process, no round trips) a statement prepared once per
/// transaction and run with new parameter values per row is the fastest way in (multi-row statements measured
/// slower there). Elsewhere every statement is a round trip, so a batch's statements go in one command, as EF Core's
/// own batching does. Values the database generates (identity keys, defaults) come back through <c>RETURNING</c> and
/// are set on the entity, as EF Core does. Every command passes EF Core's command logging and interceptors.
/// </summary>
internal sealed class TableStatements(EntityTable table, DbContext db) : IAsyncDisposable
{

    /// <summary>Rows per command where a batch's statements go together: well under every provider's parameter limit.</summary>
    private const int RowsPerCommand = 500;

    private readonly DbConnection connection = db.Database.GetDbConnection();
    private readonly DbTransaction? transaction = db.Database.CurrentTransaction?.GetDbTransaction();
    private readonly IRelationalCommandDiagnosticsLogger logger = db.GetService<IRelationalCommandDiagnosticsLogger>();
    private readonly IRelationalConnection relationalConnection = db.GetService<IRelationalConnection>();
    private readonly bool perRow = db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    // SQLite in a transaction that nothing watches (no interceptor, no command logging or diagnostics): statements run
    // on the native handle (SqliteStatement). Anything that listens sees every command, through Microsoft.Data.Sqlite.
    private readonly SqliteConnection? native = db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite"
        && db.Database.CurrentTransaction is not null
        && db.Database.GetDbConnection() is SqliteConnection sqlite
        && !Watched(db.GetService<IRelationalCommandDiagnosticsLogger>()) ? sqlite : null;
    private readonly Dictionary<int, Statement> inserts = [];

    /// <summary>True when statements run on the native handle rather than through Microsoft.Data.Sqlite's commands.</summary>
    internal bool BindsNatively => native is not null;

    private readonly Dictionary<TableColumn[], Statement> updates = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TableColumn, KeyLookup> lookups = [];

    // Keys looked up per SELECT: one query per batch of the default size, one statement shape whatever the batch
    // size (the last chunk repeats a key).
    private const int SelectChunk = 1_000;

    /// <summary>
    /// True when a command interceptor, a diagnostic listener, a logger or <c>LogTo</c> would see a command being
    /// executed (EF Core's <c>ShouldLogCommandExecute</c> only caches the answer of the last command, and says yes before the first).
    /// </summary>
    private static bool Watched(IRelationalCommandDiagnosticsLogger logger) =>
        logger.Interceptors?.Aggregate<IDbCommandInterceptor>() is not null
        || logger.DiagnosticSource.IsEnabled(RelationalEventId.CommandExecuting.Name!)
        || logger.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug)
        || logger.DbContextLogger.ShouldLog(RelationalEventId.CommandExecuting, Microsoft.Extensions.Logging.LogLevel.Debug);

    /// <summary>The records whose <paramref name="key"/> column holds one of <paramref name="values"/>, as new untracked entities.</summary>
    public async Task<List<object>> SelectAsync(TableColumn key, IReadOnlyList<object> values, CancellationToken cancellationToken)
    {
        var found = new List<object>();
        if (values.Count == 0)
        {
            return found;
        }

        var lookup = Lookup(key);
        var select = lookup.Select;
        if (lookup.Json is { } kind)
        {
            var keys = JsonArray(kind, key, values);
            if (lookup.Native?.TryRead(keys, table.Create, found) == true)
            {
                return found;
            }

            select.Parameters[0].Value = keys;
            await ReadEntitiesAsync(select.Command!, found, cancellationToken).ConfigureAwait(false);
            return found;
        }

        for (var start = 0; start < values.Count; start += SelectChunk)
        {
            for (var i = 0; i < SelectChunk; i++)
            {
                select.Parameters[i].Value = key.ToProvider(values[start + i < values.Count ? start + i : start]);
            }

            await ReadEntitiesAsync(select.Command!, found, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>True when the table holds no row.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT EXISTS (SELECT 1 FROM {table.Name})";
        await using var reader = await ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.GetBoolean(0);
    }

    /// <summary>
    /// The lookup by a key column, built once per transaction: on SQLite the batch's keys as one JSON array parameter,
    /// read by json_each (a parameter per key elsewhere), and, unwatched, the same SELECT on the native handle.
    /// </summary>
    private KeyLookup Lookup(TableColumn key)
    {
        if (lookups.TryGetValue(key, out var lookup))
        {
            return lookup;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Name));
        if ((perRow ? JsonKeys(key) : null) is { } kind)
        {
            var sql = $"-- {QueryTags.ExistingRecords}\nSELECT {columns} FROM {table.Name} WHERE {key.Name} IN (SELECT value FROM json_each({table.Sql.GenerateParameterNamePlaceholder("p0")}))";
            lookup = new KeyLookup(Prepare(sql, [key], []), kind, native is null ? null : SqliteQuery.TryPrepare(native, sql, table.Columns));
        }
        else
        {
            lookup = new KeyLookup(
                Prepare(
                    $"-- {QueryTags.ExistingRecords}\nSELECT {columns} FROM {table.Name} WHERE {key.Name} IN ({string.Join(", ", Enumerable.Range(0, SelectChunk).Select(i => table.Sql.GenerateParameterNamePlaceholder($"p{i}")))})",
                    [.. Enumerable.Repeat(key, SelectChunk)],
                    []),
                null,
                null);
        }

        lookups[key] = lookup;
        return lookup;
    }

    private async Task ReadEntitiesAsync(DbCommand command, List<object> found, CancellationToken cancellationToken)
    {
        await using var reader = await ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var entity = table.Create();
            foreach (var column in table.Columns)
            {
                column.Write(entity, column.FromReader(reader, column.Index));
            }

            found.Add(entity);
        }
    }

    /// <summary>The kind of a key column whose values json_each gives back exactly as SQLite stores them (integers and text), or null.</summary>
    private static SqliteValueKind? JsonKeys(TableColumn key) =>
        SqliteValue.KindsOf([key])?[0] is { } kind and not (SqliteValueKind.Real or SqliteValueKind.Blob or SqliteValueKind.GuidBlob) ? kind : null;

    private static string JsonArray(SqliteValueKind kind, TableColumn key, IReadOnlyList<object> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(values.Count * 16);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                var stored = key.ToProvider(value);
                if (kind == SqliteValueKind.Integer)
                {
                    writer.WriteNumberValue(SqliteValue.Integer(stored));
                }
                else
                {
                    // A lone surrogate is stored as UTF-8's replacement character; JSON cannot hold it, so it is replaced first.
                    var text = SqliteValue.Text(kind, stored);
                    writer.WriteStringValue(text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? text : System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)));
                }
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Inserts the entities; generated values are set on them. On SQLite a row a constraint refuses is added to <paramref name="refused"/>, and the others are inserted.</summary>
    public async Task InsertAsync(IReadOnlyList<object> entities, List<RefusedRow> refused, CancellationToken cancellationToken)
    {
        if (!perRow)
        {
            // One command per statement shape, so that either every statement in it returns generated values or none does.
            foreach (var group in entities.GroupBy(table.OmittedBy))
            {
                var (sql, inserted, returned) = table.InsertOf(group.Key);
                foreach (var chunk in group.Chunk(RowsPerCommand))
                {
                    await RunTogetherAsync(sql, inserted, returned, chunk, cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        foreach (var entity in entities)
        {
            try
            {
                await InsertRowAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == RefusedRow.ConstraintViolation)
            {
                refused.Add(RefusedRow.Of(e, table, entity));
            }
        }
    }

    private async Task InsertRowAsync(object entity, CancellationToken cancellationToken)
    {
        var statement = Insert(table.OmittedBy(entity));
        if (statement.Native is { } run)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.Run(entity);
            return;
        }

        statement.Bind(entity);
        if (statement.Returned.Length == 0)
        {
            await NonQueryAsync(statement.Command!, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var reader = await ReaderAsync(statement.Command!, cancellationToken).ConfigureAwait(false);
        await ReadReturnedAsync(reader, statement.Returned, entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates each entity's members (never its key) by primary key; on SQLite a row a constraint refuses is added to <paramref name="refused"/>.</summary>
    public async Task UpdateAsync(IReadOnlyList<(object Entity, TableColumn[] Members)> rows, List<RefusedRow> refused, CancellationToken cancellationToken)
    {
        if (!perRow)
        {
            // One UPDATE ... FROM (VALUES ...) per chunk of rows that set the same members: one statement planned, not one per row.
            foreach (var group in rows.GroupBy(r => r.Members, ReferenceEqualityComparer.Instance))
            {
                var members = (TableColumn[])group.Key!;
                foreach (var chunk in group.Chunk(RowsPerCommand))
                {
                    await UpdateFromValuesAsync(members, [.. chunk.Select(r => r.Entity)], cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        foreach (var (entity, members) in rows)
        {
            var statement = Update(members);
            try
            {
                if (statement.Native is { } run)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    run.Run(entity);
                    continue;
                }

                statement.Bind(entity);
                await NonQueryAsync(statement.Command!, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == RefusedRow.ConstraintViolation)
            {
                refused.Add(RefusedRow.Of(e, table, entity));
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var lookup in lookups.Values)
        {
            lookup.Native?.Dispose();
        }

        foreach (var statement in inserts.Values.Concat(updates.Values).Concat(lookups.Values.Select(l => l.Select)))
        {
            statement.Native?.Dispose();
            if (statement.Command is not null)
            {
                await statement.Command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private Statement Insert(int omitted)
    {
        if (!inserts.TryGetValue(omitted, out var statement))
        {
            var (sql, inserted, returned) = table.InsertOf(omitted);
            inserts[omitted] = statement = PrepareRow(sql, inserted, returned);
        }

        return statement;
    }

    private Statement Update(TableColumn[] members)
    {
        if (!updates.TryGetValue(members, out var statement))
        {
            updates[members] = statement = PrepareRow(table.UpdateOf(members), [.. members, .. table.PrimaryKey], []);
        }

        return statement;
    }

    /// <summary>A statement run once per row: on the native handle where it can (see <see cref="native"/>), else a prepared command.</summary>
    private Statement PrepareRow(string sql, TableColumn[] columns, TableColumn[] returned) =>
        native is not null && SqliteStatement.TryPrepare(native, sql, columns, returned, c => table.Sql.GenerateParameterNamePlaceholder($"p{c}")) is { } run
            ? new Statement(null, columns, [], returned, run)
            : Prepare(sql, columns, returned);

    /// <summary>A command for one statement, its parameters <c>p0..pn</c> configured by the columns' type mappings, prepared where that pays (SQLite).</summary>
    private Statement Prepare(string sql, TableColumn[] columns, TableColumn[] returned)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var parameters = columns.Select((c, i) => c.CreateParameter(command, table.Sql.GenerateParameterName($"p{i}"))).ToArray();
        command.Parameters.AddRange(parameters);
        if (perRow)
        {
            // SQLite compiles in the process: no round trip, and the statement is reused for every row of the transaction.
            command.Prepare();
        }

        return new Statement(command, columns, parameters, returned, null);
    }

    /// <summary>
    /// Runs one statement per entity in one command: the statement repeated with its parameters renamed per row
    /// (<c>p0</c> of row 3 is <c>r3_p0</c>), each row's generated values read back from its own result set.
    /// </summary>
    private async Task RunTogetherAsync(string sql, TableColumn[] columns, TableColumn[] returned, object[] entities, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var text = new StringBuilder();
        for (var r = 0; r < entities.Length; r++)
        {
            var placeholders = BindRow(command, columns, entities[r], r);
            var statement = sql;
            for (var c = columns.Length - 1; c >= 0; c--)
            {
                // Highest first, so that renaming p1 never touches p10.
                statement = statement.Replace(table.Sql.GenerateParameterNamePlaceholder($"p{c}"), placeholders[c], StringComparison.Ordinal);
            }

            text.Append(statement).Append(";\n");
        }

        command.CommandText = text.ToString();
        if (returned.Length == 0)
        {
            await NonQueryAsync(command, cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var reader = await ReaderAsync(command, cancellationToken).ConfigureAwait(false);
        for (var r = 0; r < entities.Length; r++)
        {
            if (r > 0 && !await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The database returned the generated values of {r} of {entities.Length} inserted rows.");
            }

            await ReadReturnedAsync(reader, returned, entities[r], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Updates the members of many rows with one statement: <c>UPDATE t SET m = v.m FROM (VALUES ...) AS v WHERE t.key = v.key</c>.</summary>
    private async Task UpdateFromValuesAsync(TableColumn[] members, object[] entities, CancellationToken cancellationToken)
    {
        TableColumn[] columns = [.. members, .. table.PrimaryKey];
        string Alias(int c) => table.Sql.DelimitIdentifier($"c{c}");
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = new StringBuilder();
        for (var r = 0; r < entities.Length; r++)
        {
            values.Append(r == 0 ? "(" : ", (").AppendJoin(", ", BindRow(command, columns, entities[r], r)).Append(')');
        }

        var set = string.Join(", ", members.Select((m, c) => $"{m.Name} = v.{Alias(c)}"));
        var match = string.Join(" AND ", table.PrimaryKey.Select((k, i) => $"t.{k.Name} = v.{Alias(members.Length + i)}"));
        command.CommandText = $"UPDATE {table.Name} AS t SET {set} FROM (VALUES {values}) AS v({string.Join(", ", columns.Select((_, c) => Alias(c)))}) WHERE {match}";
        await NonQueryAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds one row's parameters to a command of many rows (<c>p0</c> of row 3 is <c>r3_p0</c>) and returns their placeholders, in column order.</summary>
    private string[] BindRow(DbCommand command, TableColumn[] columns, object entity, int row)
    {
        var placeholders = new string[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            var parameter = columns[c].CreateParameter(command, table.Sql.GenerateParameterName($"r{row}_p{c}"));
            parameter.Value = columns[c].ToProvider(columns[c].Read(entity));
            command.Parameters.Add(parameter);
            placeholders[c] = table.Sql.GenerateParameterNamePlaceholder($"r{row}_p{c}");
        }

        return placeholders;
    }

    /// <summary>Runs a command that returns rows, through EF Core's command logging and interceptors when any listens.</summary>
    private async Task<DbDataReader> ReaderAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (logger.ShouldLogCommandExecute(now))
        {
            var intercepted = await logger.CommandReaderExecutingAsync(relationalConnection, command, command.CommandText, db, Guid.NewGuid(), relationalConnection.ConnectionId, now, CommandSource.SaveChanges, cancellationToken).ConfigureAwait(false);
            if (intercepted.HasResult)
            {
                return intercepted.Result;
            }
        }

        return await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a command that returns no rows, through EF Core's command logging and interceptors when any listens.</summary>
    private async Task NonQueryAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (logger.ShouldLogCommandExecute(now))
        {
            var intercepted = await logger.CommandNonQueryExecutingAsync(relationalConnection, command, command.CommandText, db, Guid.NewGuid(), relationalConnection.ConnectionId, now, CommandSource.SaveChanges, cancellationToken).ConfigureAwait(false);
            if (intercepted.HasResult)
            {
                return;
            }
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadReturnedAsync(DbDataReader reader, TableColumn[] returned, object entity, CancellationToken cancellationToken)
    {
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The database returned no generated values for an inserted row.");
        }

        for (var r = 0; r < returned.Length; r++)
        {
            returned[r].Write(entity, returned[r].FromReader(reader, r));
        }
    }

    /// <summary>The SELECT by one key column: its command, the kind of its keys' JSON array (SQLite), and its native twin.</summary>
    private sealed record KeyLookup(Statement Select, SqliteValueKind? Json, SqliteQuery? Native);

    /// <summary>A statement of one row: a command with its parameters, or (<paramref name="Native"/>) one on SQLite's native handle.</summary>
    private sealed record Statement(DbCommand? Command, TableColumn[] Columns, DbParameter[] Parameters, TableColumn[] Returned, SqliteStatement? Native)
    {
        public void Bind(object entity)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                Parameters[c].Value = Columns[c].ToProvider(Columns[c].Read(entity));
            }
        }
    }
}
