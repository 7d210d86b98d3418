using BulkData.EntityFrameworkCore.Jobs;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Adds BulkData's job tables to a model.</summary>
public static class BulkDataModelBuilderExtensions
{
    /// <summary>
    /// Adds the tables of the job store (jobs, history, row changes, stored files) to this model, so that jobs live
    /// in the application's own database and an import's rows, change records and checkpoint commit in one transaction.
    /// </summary>
    /// <param name="modelBuilder">The model builder of <c>OnModelCreating</c>.</param>
    /// <returns>The model builder.</returns>
    public static ModelBuilder AddBulkDataJobs(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        // Stored as UTC ticks: every provider orders and compares them, SQLite included.
        var time = new DateTimeOffsetToBinaryConverter();
        modelBuilder.Entity<JobRecord>(job =>
        {
            job.ToTable("bulkdata_jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Version).IsConcurrencyToken();
            job.Property(j => j.CreatedAt).HasConversion(time);
            job.Property(j => j.StartedAt).HasConversion(time);
            job.Property(j => j.CompletedAt).HasConversion(time);
            job.HasIndex(j => new { j.Tenant, j.Owner, j.CreatedAt });
            job.HasIndex(j => new { j.Status, j.CreatedAt });
        });
        modelBuilder.Entity<JobEventRecord>(jobEvent =>
        {
            jobEvent.ToTable("bulkdata_job_events");
            jobEvent.HasKey(e => e.Id);
            jobEvent.Property(e => e.At).HasConversion(time);
            jobEvent.HasIndex(e => new { e.JobId, e.Id });
            jobEvent.HasIndex(e => e.Actor);
        });
        modelBuilder.Entity<RowChangeRecord>(change =>
        {
            change.ToTable("bulkdata_row_changes");
            change.HasKey(c => c.Id);
            change.HasIndex(c => new { c.JobId, c.Id });
        });
        modelBuilder.Entity<FileRecord>(file =>
        {
            file.ToTable("bulkdata_files");
            file.HasKey(f => f.Id);
            file.Property(f => f.StoredAt).HasConversion(time);
        });
        modelBuilder.Entity<FileChunkRecord>(chunk =>
        {
            chunk.ToTable("bulkdata_file_chunks");
            chunk.HasKey(c => new { c.FileId, c.Index });
        });
        modelBuilder.Entity<BulkData.EntityFrameworkCore.Mapping.MappingRecord>(mapping =>
        {
            mapping.ToTable("bulkdata_mappings");
            mapping.HasKey(m => m.Signature);
            mapping.Property(m => m.SavedAt).HasConversion(time);
        });
        return modelBuilder;
    }
}
