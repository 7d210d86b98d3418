using Microsoft.Data.Sqlite;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// A row the database refused on its own (a unique index, a foreign key, a NOT NULL or CHECK constraint), told apart
/// because SQLite's statements run one per row: the row becomes a row error, and the batch's other rows are written
/// (SQLite undoes the refused statement alone and the transaction goes on).
/// </summary>
/// <param name="Entity">The refused entity.</param>
/// <param name="Column">The column at fault, when the database names one.</param>
/// <param name="Message">What was refused, for a person.</param>
internal sealed record RefusedRow(object Entity, string? Column, string Message)
{
    /// <summary>SQLite's result code of a constraint violation.</summary>
    public const int ConstraintViolation = 19;

    /// <summary>True when one of the refusals is the entity's.</summary>
    public static bool Includes(IReadOnlyList<RefusedRow>? refused, object entity) => refused is { Count: > 0 } && refused.Any(r => ReferenceEquals(r.Entity, entity));

    /// <summary>The refusal of a statement that failed on a constraint, its message from SQLite's (which names the table and column).</summary>
    public static RefusedRow Of(SqliteException error, EntityTable table, object entity)
    {
        // SQLite says e.g. "UNIQUE constraint failed: Items.Code" or "FOREIGN KEY constraint failed".
        var text = error.Message;
        var named = text.IndexOf("failed: ", StringComparison.Ordinal) is var at and >= 0 ? text[(at + 8)..].TrimEnd('\'', '.').Split(", ")[0] : null;
        var column = named is null ? null : table.Columns.FirstOrDefault(c => c.Name.Trim('"') == named[(named.IndexOf('.') + 1)..]);
        var member = column?.Property.Name;
        var value = column?.Read(entity);
        return text switch
        {
            _ when text.Contains("UNIQUE", StringComparison.Ordinal) && member is not null =>
                new(entity, member, $"Another record already has the {member} '{value}', and the database allows each {member} once. Change it, or import the rows as updates of that record."),
            _ when text.Contains("FOREIGN KEY", StringComparison.Ordinal) =>
                new(entity, null, "A value of this row refers to a record that does not exist (the database's foreign key refused it). Check the row's references."),
            _ when text.Contains("NOT NULL", StringComparison.Ordinal) && member is not null =>
                new(entity, member, $"{member} is empty, and the database needs a value for it."),
            _ => new(entity, member, $"The database refused this row: {text}"),
        };
    }
}
