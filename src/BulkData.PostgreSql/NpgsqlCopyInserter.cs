using System.Text;
using System.Text.RegularExpressions;
using BulkData.EntityFrameworkCore.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace BulkData.PostgreSql;

/// <summary>
/// Inserts new records with PostgreSQL's binary <c>COPY ... FROM STDIN</c> through Npgsql: one stream per
/// batch instead of one INSERT per row. It uses the EF Core model for table, column and type names, and the
/// context's connection and transaction, so an all-or-nothing import still rolls back as one.
/// Set it as <see cref="EntityFrameworkTargetOptions.BulkInserter"/>; on another provider it declines.
/// </summary>
public sealed partial class NpgsqlCopyInserter : IBulkInserter
{
    /// <inheritdoc/>
    public async ValueTask<bool> InsertAsync<TEntity>(DbContext context, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(entities);
        if (context.Database.GetDbConnection() is not NpgsqlConnection connection)
        {
            return false;
        }

        var entityType = context.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not part of {context.GetType().Name}.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());

        // A column the database generates on add (an identity key, a default) is written when the import set it on
        // every record and left to the database when on none, as EF Core does per row; a batch that mixes both
        // cannot be one COPY, so it goes back to EF Core. Shadow properties are left to their defaults.
        var properties = new List<IProperty>();
        foreach (var property in entityType.GetProperties().Where(p => !p.IsShadowProperty()))
        {
            if (property.ValueGenerated.HasFlag(Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd))
            {
                var comparer = property.GetValueComparer();
                var set = entities.Count(e => !comparer.Equals(property.GetGetter().GetClrValue(e), property.Sentinel));
                if (set > 0 && set < entities.Count)
                {
                    return false;
                }

                if (set == 0)
                {
                    continue;
                }
            }

            properties.Add(property);
        }

        var columns = properties
            .Select(p => new Column(p, p.GetColumnName(table)!, StoreTypeName(p.GetColumnType()), p.GetTypeMapping().Converter))
            .ToArray();
        var command = new StringBuilder("COPY ");
        if (table.Schema is { } schema)
        {
            command.Append(Quote(schema)).Append('.');
        }

        command.Append(Quote(table.Name)).Append(" (").AppendJoin(", ", columns.Select(c => Quote(c.Name))).Append(") FROM STDIN (FORMAT BINARY)");

        await using var writer = await connection.BeginBinaryImportAsync(command.ToString(), cancellationToken).ConfigureAwait(false);
        foreach (var entity in entities)
        {
            await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            foreach (var column in columns)
            {
                var value = column.Property.GetGetter().GetClrValue(entity);
                if (column.Converter is { } converter && value is not null)
                {
                    value = converter.ConvertToProvider(value);
                }

                if (value is null)
                {
                    await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteAsync(value, column.StoreType, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Npgsql names types without their facets, wherever they stand: <c>numeric(18,4)</c> is written as
    /// <c>numeric</c>, <c>timestamp(3) with time zone</c> as <c>timestamp with time zone</c>.
    /// </summary>
    private static string StoreTypeName(string storeType) => Facets().Replace(storeType, string.Empty).Trim();

    [GeneratedRegex(@"\s*\([^)]*\)")]
    private static partial Regex Facets();

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Column(IProperty Property, string Name, string StoreType, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter);
}
