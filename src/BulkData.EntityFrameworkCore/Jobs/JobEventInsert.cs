using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>
/// Appends an entry to a job's history only if the job exists, in one <c>INSERT ... SELECT ... WHERE EXISTS</c>
/// built from the model: no LINQ query to compile and no tracked entity (in a fresh process EF Core's first query
/// and first <c>SaveChanges</c> of a type each cost a few hundred milliseconds, paid before an import's first row).
/// It runs through EF Core's command pipeline, so interceptors and logging see it.
/// </summary>
internal static class JobEventInsert
{
    /// <summary>Inserts the entry; returns the rows written: 0 when no job has its id.</summary>
    public static Task<int> RunAsync(DbContext db, JobEventRecord entry, CancellationToken cancellationToken)
    {
        var events = db.Model.FindEntityType(typeof(JobEventRecord))!;
        var jobs = db.Model.FindEntityType(typeof(JobRecord))!;
        var sql = db.GetService<ISqlGenerationHelper>();
        var written = events.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToArray();
        var jobId = jobs.FindPrimaryKey()!.Properties.Single();
        using var probe = db.Database.GetDbConnection().CreateCommand();
        var parameters = written.Select((p, c) => Parameter(probe, p, $"p{c}", p.GetGetter().GetClrValue(entry)))
            .Append(Parameter(probe, jobId, "job", entry.JobId))
            .ToArray();
        var eventTable = StoreObjectIdentifier.Table(events.GetTableName()!, events.GetSchema());
        var jobTable = StoreObjectIdentifier.Table(jobs.GetTableName()!, jobs.GetSchema());
        var statement = $"INSERT INTO {sql.DelimitIdentifier(eventTable.Name, eventTable.Schema)} ({string.Join(", ", written.Select(p => sql.DelimitIdentifier(p.GetColumnName(eventTable)!)))}) "
            + $"SELECT {string.Join(", ", parameters[..^1].Select(p => sql.GenerateParameterNamePlaceholder(p.ParameterName)))} "
            + $"WHERE EXISTS (SELECT 1 FROM {sql.DelimitIdentifier(jobTable.Name, jobTable.Schema)} WHERE {sql.DelimitIdentifier(jobId.GetColumnName(jobTable)!)} = {sql.GenerateParameterNamePlaceholder("job")})";
        return db.Database.ExecuteSqlRawAsync(statement, parameters, cancellationToken);
    }

    // A parameter as the property's type mapping binds it (the mapping applies its converter to the value).
    private static System.Data.Common.DbParameter Parameter(System.Data.Common.DbCommand command, IProperty property, string name, object? value) =>
        property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable);
}
