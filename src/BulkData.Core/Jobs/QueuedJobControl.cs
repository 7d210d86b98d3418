namespace BulkData.Jobs;

/// <summary>Every job path within the caller's scope, from any process: get, list, cancel, resume, delete and file access.</summary>
public static class QueuedJobControl
{
    /// <summary>Gets a job if it is within the caller's scope.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The job, or null when there is none in the scope.</returns>
    public static async ValueTask<Job?> GetAsync(this IJobStore store, Guid jobId, JobScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(scope);
        return await store.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job && scope.Includes(job) ? job : null;
    }

    /// <summary>
    /// Asks a job to stop, from any process: the worker running it stops at its next batch (an all-or-nothing
    /// import writes nothing, a partial one keeps the batches it committed) and the job ends cancelled, saying
    /// which; a queued job that has not started ends cancelled when a worker takes it up. A finished job is left as it is.
    /// </summary>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="time">The clock for the history entry; null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as stored.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    public static async ValueTask<Job> RequestCancelAsync(this IJobStore store, Guid jobId, JobScope scope, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        if (job.IsFinished)
        {
            return job;
        }

        job = await store.UpdateAsync(jobId, j => j with { CancelRequested = true }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(jobId, new JobEvent((time ?? TimeProvider.System).GetUtcNow(), "cancel requested", job.Status, scope.Owner), cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>
    /// Runs a queued import again that failed or was cancelled: a partial import resumes after its last
    /// committed batch (no row is written twice), an all-or-nothing one starts from the beginning.
    /// </summary>
    /// <param name="runner">The runner to hand it to.</param>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="time">The clock for the history entry; null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as queued again.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="BulkDataException">The job is not a failed or cancelled queued import.</exception>
    public static async ValueTask<Job> ResumeAsync(this IJobRunner runner, IJobStore store, Guid jobId, JobScope scope, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        if (job is not { Kind: JobKind.Import, Status: JobStatus.Failed or JobStatus.Cancelled } || !job.Parameters.ContainsKey(JobParameters.File))
        {
            throw new BulkDataException($"Job {jobId} is a {job.Kind.ToString().ToLowerInvariant()} that is {job.Status}; only queued imports that failed or were cancelled can be resumed.") { JobId = jobId };
        }

        job = await TransitionAsync(store, job, j => j with { Status = JobStatus.Queued, CancelRequested = false, FailureReason = null, CompletedAt = null }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(jobId, new JobEvent((time ?? TimeProvider.System).GetUtcNow(), "resume requested", JobStatus.Queued, scope.Owner, $"after row {job.Checkpoint}"), cancellationToken).ConfigureAwait(false);
        await runner.EnqueueAsync(jobId, cancellationToken).ConfigureAwait(false);
        return job;
    }

    /// <summary>
    /// Sets the column mapping of a queued import that has not run, or that only validated, as a user chose it:
    /// the job validates again with it, and the mapping is remembered for the next file with the same headers.
    /// </summary>
    /// <param name="runner">The runner to hand the job to again.</param>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="mapping">File header to resource column (header or member name).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as queued again.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="BulkDataException">The job is not a queued import waiting to run or to be committed.</exception>
    public static async ValueTask<Job> SetMappingAsync(this IJobRunner runner, IJobStore store, Guid jobId, JobScope scope, IReadOnlyDictionary<string, string> mapping, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(mapping);
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        if (job is not { Kind: JobKind.Import, Status: JobStatus.Queued or JobStatus.Validated or JobStatus.ValidationFailed })
        {
            throw new BulkDataException($"Job {jobId} is {job.Status}; a mapping can be set on a queued import before it runs or while it waits to be committed.") { JobId = jobId };
        }

        var parameters = job.Parameters.Where(p => !p.Key.StartsWith("map:", StringComparison.Ordinal)).ToDictionary();
        foreach (var (header, column) in mapping)
        {
            parameters[$"map:{header}"] = column;
        }

        parameters[JobParameters.MappingChosen] = "true";
        return await RequeueAsync(runner, store, job, parameters, "mapping set", scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits a queued import uploaded to validate only: it runs again, as the same job, and writes. A job whose rows
    /// all validated commits under any mode; one with invalid rows only partially (its valid rows are written, the
    /// others reported), which <paramref name="commitMode"/> may choose now, as <paramref name="mergeStrategy"/> may.
    /// </summary>
    /// <param name="runner">The runner to hand the job to.</param>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="commitMode">The commit mode to import with; null for the one given at upload.</param>
    /// <param name="mergeStrategy">The merge strategy to import with; null for the one given at upload.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job as queued.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="BulkDataException">The job is not a queued import that validated, or has invalid rows and is not committed partially.</exception>
    public static async ValueTask<Job> CommitAsync(this IJobRunner runner, IJobStore store, Guid jobId, JobScope scope, CommitMode? commitMode = null, MergeStrategy? mergeStrategy = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        var mode = commitMode ?? (job.Parameters.TryGetValue("commitMode", out var recorded) ? Enum.Parse<CommitMode>(recorded) : CommitMode.AllOrNothing);
        var committable = job.Status == JobStatus.Validated || (job.Status == JobStatus.ValidationFailed && mode == CommitMode.Partial && job.Counts.Valid > 0);
        if (job.Kind != JobKind.Import || !committable || !job.Parameters.ContainsKey(JobParameters.ValidateOnly))
        {
            throw new BulkDataException($"Job {jobId} is {job.Status}; only a queued import that validated can be committed, or one with valid and invalid rows committed partially.") { JobId = jobId };
        }

        var parameters = job.Parameters.Where(p => p.Key != JobParameters.ValidateOnly).ToDictionary();
        if (commitMode is { } chosenMode)
        {
            parameters["commitMode"] = chosenMode.ToString();
        }

        if (mergeStrategy is { } chosenStrategy)
        {
            parameters["mergeStrategy"] = chosenStrategy.ToString();
        }

        return await RequeueAsync(runner, store, job, parameters, "commit requested", scope, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<Job> RequeueAsync(IJobRunner runner, IJobStore store, Job job, Dictionary<string, string> parameters, string action, JobScope scope, CancellationToken cancellationToken)
    {
        var queued = await TransitionAsync(store, job, j => j with { Status = JobStatus.Queued, Parameters = parameters, FailureReason = null, CompletedAt = null, Errors = [], ErrorCount = 0, Warnings = [], Counts = new JobCounts() }, cancellationToken).ConfigureAwait(false);
        await store.AppendEventAsync(job.Id, new JobEvent(TimeProvider.System.GetUtcNow(), action, JobStatus.Queued, scope.Owner), cancellationToken).ConfigureAwait(false);
        await runner.EnqueueAsync(job.Id, cancellationToken).ConfigureAwait(false);
        return queued;
    }

    /// <summary>
    /// Saves a change to the job as it was read, only if no one changed it since: two callers that both found it
    /// committable (or resumable) cannot both queue it, the second is told what it is now.
    /// </summary>
    /// <exception cref="BulkDataException">The job changed since it was read.</exception>
    private static async ValueTask<Job> TransitionAsync(IJobStore store, Job job, Func<Job, Job> change, CancellationToken cancellationToken)
    {
        try
        {
            return await store.UpdateAsync(change(job), cancellationToken).ConfigureAwait(false);
        }
        catch (JobConcurrencyException)
        {
            var now = await store.GetAsync(job.Id, cancellationToken).ConfigureAwait(false);
            throw new BulkDataException($"Job {job.Id} changed while this request was handled (another request got there first); it is now {now?.Status.ToString() ?? "deleted"}, and this request did nothing.") { JobId = job.Id };
        }
    }

    /// <summary>Lists the jobs of the caller's scope: the query's tenant and owner are replaced by the scope's.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="query">The filters (status, kind, time) and the page.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The jobs, newest first.</returns>
    public static IAsyncEnumerable<Job> QueryAsync(this IJobStore store, JobQuery query, JobScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);

        // A null tenant in the query matches every tenant; in a scope it means the jobs without one.
        return store.QueryAsync(query with { Tenant = scope.Tenant, Owner = scope.Owner ?? query.Owner }, cancellationToken).Where(scope.Includes);
    }

    /// <summary>Deletes a job of the caller's scope with its history, and its upload and output files when a file store is given.</summary>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="files">The file store holding the job's files; null to leave them.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>A task that completes when the job is deleted.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="JobNotFinishedException">The job has not finished (it is queued or running).</exception>
    public static async ValueTask DeleteAsync(this IJobStore store, Guid jobId, JobScope scope, IFileStore? files = null, CancellationToken cancellationToken = default)
    {
        var job = await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false);
        await DeleteWithFilesAsync(store, job, scope.Owner, files, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a job's record, then the files it names (upload, full error list, output): the record first, since
    /// the store refuses a job queued again since it was read, and such a job's files must stay.
    /// </summary>
    /// <returns>False when the job was gone already.</returns>
    /// <exception cref="JobNotFinishedException">The job is queued or running.</exception>
    internal static async ValueTask<bool> DeleteWithFilesAsync(IJobStore store, Job job, string? actor, IFileStore? files, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(job.Id, actor, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (files is not null)
        {
            foreach (var file in FilesOf(job).Values)
            {
                await files.DeleteAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>Opens a job's file, for the caller's scope only: its upload (<c>file</c>) or, for a queued export, its output (<c>output</c>).</summary>
    /// <param name="files">The file store.</param>
    /// <param name="store">The job store.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="scope">The caller's tenant (and user).</param>
    /// <param name="which"><c>output</c> (the default) or <c>file</c>.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The file, to read and dispose.</returns>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    /// <exception cref="StoredFileNotFoundException">The job has no such file, or it is no longer in the store.</exception>
    public static async ValueTask<Stream> OpenJobFileAsync(this IFileStore files, IJobStore store, Guid jobId, JobScope scope, string which = Export.QueuedExport.OutputParameter, CancellationToken cancellationToken = default) =>
        await files.OpenJobFileAsync(await FindAsync(store, jobId, scope, cancellationToken).ConfigureAwait(false), which, cancellationToken).ConfigureAwait(false);

    /// <summary>Opens a file of a job the caller already found within their scope (<see cref="FindAsync"/>): its upload or its output.</summary>
    /// <param name="files">The file store.</param>
    /// <param name="job">The job.</param>
    /// <param name="which"><c>output</c> or <c>file</c>.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>The file, to read and dispose.</returns>
    /// <exception cref="StoredFileNotFoundException">The job has no such file, or it is no longer in the store.</exception>
    public static async ValueTask<Stream> OpenJobFileAsync(this IFileStore files, Job job, string which, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(job);
        return FilesOf(job).TryGetValue(which, out var file)
            ? await files.OpenAsync(file, cancellationToken).ConfigureAwait(false)
            : throw new StoredFileNotFoundException(null, $"Job {job.Id} has no {which} file.");
    }

    /// <summary>Finds a job within the caller's scope, or says there is none.</summary>
    /// <exception cref="JobNotFoundException">There is no such job in the caller's scope.</exception>
    public static async ValueTask<Job> FindAsync(this IJobStore store, Guid jobId, JobScope scope, CancellationToken cancellationToken = default) =>
        await store.GetAsync(jobId, scope, cancellationToken).ConfigureAwait(false) ?? throw new JobNotFoundException(jobId);

    /// <summary>The files a job names: its upload, its full list of rejected rows and, for a queued export, its output.</summary>
    private static Dictionary<string, Guid> FilesOf(Job job) =>
        new[] { JobParameters.File, JobParameters.Errors, Export.QueuedExport.OutputParameter }
            .Where(name => job.Parameters.TryGetValue(name, out var id) && Guid.TryParse(id, out _))
            .ToDictionary(name => name, name => Guid.Parse(job.Parameters[name]));
}
