using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sources;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>
/// Runs one preview, dry run or import as a job, in a single streaming pass: read a row, convert
/// its cells, validate it, batch it, write the batch. Memory holds one batch, the capped errors
/// and (when asked) one small outcome per row; a queued run writes every row error to a file as it goes.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A run is executed once: ExecuteAsync creates its error file and disposes it as it returns.")]
internal sealed class ImportRun<T>
    where T : class
{
    private readonly ImportOperation<T> operation;
    private readonly JobKind kind;
    private readonly IImportTarget<T>? target;
    private readonly int previewLimit;
    private readonly ImportOptions options;
    private readonly JobRecorder recorder;
    private readonly List<RowError> errors = [];
    private readonly List<RowError> readAheadErrors = [];
    private readonly List<string> warnings = [];
    private readonly List<RowOutcome> outcomes = [];
    private readonly List<PreviewRow<T>> previewRows = [];
    private IImportTransaction<T>? transaction;

    // The batch the target is writing while the next one is read (at most one ahead), and its write.
    private BatchSlot? writing;
    private Task? write;
    private Tally counts;
    private Tally uncommitted;
    private long errorCount;
    private long errorBytes;
    private int rowWarnings;
    private int firstUncommittedOutcome;
    private long lastWrittenRow;
    private long lastRowRead;
    private long checkpoint;
    private ImportTargetContext? targetContext;
    private IImportReader? reader;
    private RejectedRowsFile? rejectedRows;

    // The spreadsheet row the header was found on (FindHeaderRow), kept on the job.
    private string? headerLine;

    private readonly Job? queued;
    private readonly long resumeAfter;

    /// <summary>Prepares a run; <paramref name="queued"/> is a job stored by <c>EnqueueAsync</c> to run (or resume) instead of a new one.</summary>
    public ImportRun(ImportOperation<T> operation, JobKind kind, IImportTarget<T>? target, int previewRows, Job? queued = null)
    {
        this.operation = operation;
        this.kind = kind;
        this.target = target;
        this.queued = queued;
        previewLimit = previewRows;
        options = operation.Options;
        recorder = new JobRecorder(operation.Services.JobStore, operation.Services.Time, operation.Services.Logger, operation.Owner);

        // A partial import that committed batches before it stopped resumes after its checkpoint: those rows are
        // in the target already, and its counts and errors carry on. All-or-nothing imports start again.
        if (queued is { Checkpoint: > 0 } && options.CommitMode == CommitMode.Partial)
        {
            resumeAfter = queued.Checkpoint;
            counts = Tally.From(queued.Counts);
            errors.AddRange(queued.Errors);
            errorCount = queued.ErrorCount;
            checkpoint = queued.Checkpoint;
        }
    }

    public Job Job => recorder.Job;

    /// <summary>The mappings the caller gave, or else those a user chose before for a file with these headers.</summary>
    private async Task<IReadOnlyDictionary<string, string>> ExplicitMappingsAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken)
    {
        if (!operation.ColumnMappings.IsEmpty || operation.Services.Mappings is not { } store)
        {
            return operation.ColumnMappings;
        }

        return await store.GetAsync(operation.Tenant, operation.Resource.Name, headers, cancellationToken).ConfigureAwait(false)
            ?? operation.ColumnMappings;
    }

    public ColumnMapping? Mapping { get; private set; }

    public IReadOnlyList<RowOutcome> Outcomes => outcomes;

    public IReadOnlyList<PreviewRow<T>> PreviewRows => previewRows;

    private bool Committing => target is not null;

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var source = operation.Source ?? throw new InvalidOperationException("Call From(...) with a source before running the import.");
        if (queued is null)
        {
            await CreateJobAsync(source, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            recorder.Attach(queued);
            if (operation.Services.Files is { } files)
            {
                rejectedRows = new RejectedRowsFile(waitForWrites: target is not null);
                if (resumeAfter > 0 && queued.Parameters.TryGetValue(JobParameters.Errors, out var earlier) && Guid.TryParse(earlier, out var earlierId))
                {
                    await using var stored = await files.OpenAsync(earlierId, cancellationToken).ConfigureAwait(false);
                    await rejectedRows.CopyAsync(stored, resumeAfter, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        try
        {
            await using var reader = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            this.reader = reader;
            await recorder.StartAsync(Committing ? JobStatus.Processing : JobStatus.Validating, "reading header", cancellationToken).ConfigureAwait(false);
            if (reader.Headers.Count == 0)
            {
                RecordError(new RowError(RowErrorKind.File, "The file is empty: it has no header row and no data. Add a header row naming the columns, then the data rows."));
                await FinishAsync(JobStatus.ValidationFailed, "The file is empty.", cancellationToken).ConfigureAwait(false);
                return;
            }

            var columns = Array.FindAll(operation.Resource.Definition.Columns, c => c.Column.IsImported);
            var resourceColumns = Array.ConvertAll(columns, c => c.Column);
            if (reader is IHeaderRowChoice choice && choice.HeaderCandidates.Count > 1)
            {
                ChooseHeaderRow(choice, resourceColumns);
            }

            if (reader.Headers.Count > options.MaxColumns)
            {
                throw new ImportLimitExceededException($"{nameof(ImportOptions)}.{nameof(ImportOptions.MaxColumns)}", options.MaxColumns, "The file has more columns than", "columns");
            }

            Mapping = HeaderMatcher.Match(reader.Headers, resourceColumns, await ExplicitMappingsAsync(reader.Headers, cancellationToken).ConfigureAwait(false), options.Mapping, MustBeInFile, byPosition: !reader.HasHeaderRow);
            warnings.AddRange(Mapping.Warnings);
            if (Mapping.IsValid && queued?.Parameters.GetValueOrDefault(JobParameters.MappingChosen) == "true" && operation.Services.Mappings is { } mappings)
            {
                await mappings.SaveAsync(operation.Tenant, operation.Resource.Name, reader.Headers, operation.ColumnMappings, cancellationToken).ConfigureAwait(false);
            }

            if (!Mapping.IsValid)
            {
                // Headers that do not do (none names a field, or a required one is missing): the last error also says which
                // sheet and row would name more fields, when another reading of the file finds one.
                var errors = Mapping.Errors.ToList();
                var named = Mapping.Matches.Count(m => m.Kind is not MatchKind.Fuzzy);
                if (await HeaderSearch.HintAsync(source, reader.Headers, named, resourceColumns, operation.ColumnMappings, cancellationToken).ConfigureAwait(false) is { } hint)
                {
                    errors[^1] = errors[^1] with { Message = $"{errors[^1].Message} {hint}" };
                }

                errors.ForEach(RecordError);
                await FinishAsync(JobStatus.ValidationFailed, "The file's columns do not match the resource.", cancellationToken).ConfigureAwait(false);
                return;
            }

            var stopReason = await ProcessRowsAsync(reader, Array.ConvertAll(columns, c => c.ForRun()), Mapping, cancellationToken).ConfigureAwait(false);
            if (counts.Read == 0)
            {
                warnings.Add("The file has a header but no data rows.");
            }

            await CompleteAsync(stopReason, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && queued is not null)
        {
            // A runner stopping (its process shutting down) is not a cancel: the job stays processing, with its
            // checkpoint, for the next runner to resume.
            await DiscardAsync().ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await DiscardAsync().ConfigureAwait(false);
            await FinishAsync(JobStatus.Cancelled, "Cancelled by the caller.", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (CancelRequestedException)
        {
            await DiscardAsync().ConfigureAwait(false);
            var kept = options.CommitMode == CommitMode.Partial && counts.Created + counts.Updated > 0
                ? $" The {counts.Created + counts.Updated} rows committed before it stopped are kept."
                : " Nothing was written.";
            await FinishAsync(JobStatus.Cancelled, "Cancelled on request." + kept, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ImportSourceException e)
        {
            await DiscardAsync().ConfigureAwait(false);
            RecordError(new RowError(RowErrorKind.File, e.Message, e.RowNumber, e.LineNumber, e.Column, e.RawValue));
            await FinishAsync(JobStatus.Failed, e.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await DiscardAsync().ConfigureAwait(false);
            await FinishAsync(JobStatus.Failed, $"The import stopped on an unexpected error: {e.Message}", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (rejectedRows is not null)
            {
                await rejectedRows.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>A target that validates merged records itself lets a file leave out a <c>[Required]</c> member's column.</summary>
    private bool ChecksOnlyFileColumns => target?.ValidatesMergedRecords == true;

    private bool MustBeInFile(ResourceColumn column) =>
        options.RequireAllColumns || column.IsRequiredInEveryFile || (column.IsRequired && !ChecksOnlyFileColumns);

    /// <summary>Reads every row (or the preview's rows); returns why it stopped early, or null.</summary>
    private async Task<string?> ProcessRowsAsync(IImportReader reader, IColumnBinding<T>[] columns, ColumnMapping mapping, CancellationToken cancellationToken)
    {
        var resource = operation.Resource;
        var validators = operation.Validators;
        var cellOfColumn = Enumerable.Repeat(-1, columns.Length).ToArray();
        var mapped = new List<(int Cell, int Column)>();
        for (var cell = 0; cell < mapping.ColumnOfHeader.Length; cell++)
        {
            if (mapping.ColumnOfHeader[cell] is var column and >= 0)
            {
                cellOfColumn[column] = cell;
                mapped.Add((cell, column));
            }
        }

        var row = new RowContext<T>(new ColumnLookup(Array.ConvertAll(columns, c => c.Column))) { ChecksOnlyFileColumns = ChecksOnlyFileColumns };
        var formats = Array.ConvertAll(columns, c => operation.FormatOf(c.Column));
        var absent = Enumerable.Range(0, columns.Length).Where(c => cellOfColumn[c] < 0).ToArray();
        var hookedMembers = new HookedMembers(columns, absent, mapped.Select(m => columns[m.Column].Column.MemberName).ToArray());
        targetContext = new ImportTargetContext(
            Job.Id,
            options.CommitMode,
            hookedMembers.FileMembers,
            Array.ConvertAll(resource.Definition.KeyColumns, c => c.Column.MemberName))
        {
            AbsentMembers = Array.ConvertAll(absent, c => columns[c].Column.MemberName),
            MergeStrategy = options.MergeStrategy,
            DuplicateKeys = options.DuplicateKeys,
        };
        var keys = new DuplicateKeys<T>(resource.Definition, options.DuplicateKeys);
        var capacity = Math.Min(options.BatchSize, 65_536);
        var batch = new BatchSlot(capacity);
        var next = new BatchSlot(capacity);
        var phase = Committing ? "importing" : "validating";
        (int Column, ReferenceLookup Lookup)[] lookups = [.. columns.Select((c, i) => (Column: i, c.Lookup)).Where(l => l.Lookup is not null).Select(l => (l.Column, l.Lookup!))];
        var sourceRows = lookups.Length == 0 ? reader.ReadRowsAsync(cancellationToken) : ResolvedAheadAsync(reader.ReadRowsAsync(cancellationToken), lookups, cellOfColumn, formats, cancellationToken);
        await foreach (var sourceRow in sourceRows.ConfigureAwait(false))
        {
            if (sourceRow.RowNumber <= resumeAfter)
            {
                continue;
            }

            if (++counts.Read > options.MaxRows)
            {
                throw new ImportLimitExceededException($"{nameof(ImportOptions)}.{nameof(ImportOptions.MaxRows)}", options.MaxRows, "The file has more data rows than", "rows");
            }

            row.Reset(sourceRow.RowNumber, sourceRow.LineNumber, sourceRow.Cells, cellOfColumn);
            if (sourceRow.Warning is { } warning)
            {
                Warn(warning);
            }

            T? item = null;
            if (sourceRow.Problem is { } problem)
            {
                row.AddError(problem);
            }
            else
            {
                item = resource.NewItem();
                row.SetItem(item);
                if (resource.HasRowHooks)
                {
                    hookedMembers.Snapshot(item);
                }

                resource.RunBeforeRow(row);
                var spans = sourceRow.Cells as IFieldSpans;
                var typed = sourceRow.Cells as ITypedCells;
                var cellCount = sourceRow.Cells.Count;
                foreach (var (cell, column) in mapped)
                {
                    var isTyped = typed is not null && cell < cellCount && typed.IsTyped(cell);
                    var message = spans is not null && cell < cellCount
                        ? columns[column].TryAssign(item, spans.GetSpan(cell), formats[column], isTyped)
                        : columns[column].TryAssign(item, cell < cellCount ? sourceRow.Cells[cell] : null, formats[column], isTyped);
                    if (message is not null)
                    {
                        row.AddConversionError(column, message, columns[column].Lookup is null ? RowErrorKind.Conversion : RowErrorKind.Reference);
                    }
                }

                resource.RunAfterRow(row);
                foreach (var validator in validators)
                {
                    await validator.ValidateAsync(row, cancellationToken).ConfigureAwait(false);
                }
            }

            var repeat = row.HasErrors ? DuplicateKeys<T>.Verdict.First : keys.Check(row);

            var outcomeIndex = outcomes.Count;
            if (options.RecordRowOutcomes)
            {
                outcomes.Add(new RowOutcome(sourceRow.RowNumber, sourceRow.LineNumber, row.HasErrors ? RowOutcomeKind.Invalid : RowOutcomeKind.Valid));
            }

            if (row.HasErrors)
            {
                counts.Invalid++;
                foreach (var error in row.Errors)
                {
                    RecordError(error);
                }
            }
            else if (repeat == DuplicateKeys<T>.Verdict.Skip)
            {
                counts.Valid++;
                counts.Skipped++;
                counts.Duplicates++;
                if (options.RecordRowOutcomes)
                {
                    outcomes[outcomeIndex] = outcomes[outcomeIndex] with { Kind = RowOutcomeKind.Skipped };
                }
            }
            else
            {
                counts.Valid++;
                if (Committing && (options.CommitMode == CommitMode.Partial || counts.Invalid == 0))
                {
                    batch.Batch.Add(item!, sourceRow.RowNumber, sourceRow.LineNumber, resource.HasRowHooks ? hookedMembers.MembersSet(item!) : hookedMembers.FileMembers);
                    batch.OutcomeIndexes.Add(outcomeIndex);
                }
            }

            if (previewLimit > 0)
            {
                previewRows.Add(new PreviewRow<T>(sourceRow.RowNumber, sourceRow.LineNumber, item, sourceRow.Cells.ToArray(), row.Errors.ToArray()));
                if (previewRows.Count >= previewLimit)
                {
                    break;
                }
            }

            if (options.MaxInvalidRows is { } maxRows && counts.Invalid > maxRows)
            {
                return $"Stopped after {counts.Invalid} invalid rows, more than the limit of {maxRows}.";
            }

            if (counts.Read % options.BatchSize == 0)
            {
                batch.Batch.LastRowRead = sourceRow.RowNumber;
                var filled = batch;
                batch = await FlushAsync(filled, next, cancellationToken).ConfigureAwait(false);
                if (!ReferenceEquals(batch, filled))
                {
                    // The filled batch is being written: it is the spare once its write has ended.
                    next = filled;
                }
                if (ExceedsInvalidFraction() is { } reason)
                {
                    return reason;
                }

                await SaveProgressAsync(phase, cancellationToken).ConfigureAwait(false);
                StopIfCancelRequested();
            }

            lastRowRead = sourceRow.RowNumber;
        }

        batch.Batch.LastRowRead = lastRowRead;
        await FlushAsync(batch, next, cancellationToken).ConfigureAwait(false);
        await EndWriteAsync(cancellationToken).ConfigureAwait(false);
        return ExceedsInvalidFraction();
    }

    /// <summary>
    /// The rows of a resource with lookup columns, a batch's worth held ahead (their cells copied) so that each lookup
    /// resolves the batch's distinct values in one call before its rows are read: through the target's transaction
    /// when it resolves (the batch before is written first, as the transaction's connection is one), else through the
    /// registered resolver.
    /// </summary>
    private async IAsyncEnumerable<SourceRow> ResolvedAheadAsync(IAsyncEnumerable<SourceRow> rows, (int Column, ReferenceLookup Lookup)[] lookups, int[] cellOfColumn, ValueFormat[] formats, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var held in rows.Select(row => row with { Cells = new HeldCells(row.Cells) }).Chunk(options.BatchSize).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var resolver = await ResolverAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (column, lookup) in lookups)
            {
                if (cellOfColumn[column] is var cell and >= 0)
                {
                    var texts = held.Where(r => r.Problem is null && cell < r.Cells.Count).Select(r => r.Cells[cell]).OfType<string>();
                    await lookup.ResolveAsync(resolver, texts, formats[column], cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var row in held)
            {
                yield return row;
            }
        }
    }

    private async ValueTask<IReferenceResolver> ResolverAsync(CancellationToken cancellationToken)
    {
        if (Committing)
        {
            await EndWriteAsync(cancellationToken).ConfigureAwait(false);
            transaction ??= await target!.BeginAsync(targetContext!, cancellationToken).ConfigureAwait(false);
            if (transaction is IReferenceResolver inTransaction)
            {
                return inTransaction;
            }
        }

        return operation.Services.References ?? throw new BulkDataConfigurationException(
            Job.Resource,
            $"The resource {Job.Resource} has columns that look up other records, and nothing resolves them: import into an EF Core target, or register an {nameof(IReferenceResolver)} (UseEntityFrameworkLookups).");
    }

    /// <summary>A copy of a row's cells, which the source may reuse for the next row, keeping which of them are typed.</summary>
    private sealed class HeldCells(IReadOnlyList<string?> cells) : List<string?>(cells), ITypedCells
    {
        private readonly bool[]? typed = cells is ITypedCells marks ? [.. Enumerable.Range(0, cells.Count).Select(marks.IsTyped)] : null;

        public bool IsTyped(int index) => typed is not null && index < typed.Length && typed[index];
    }

    /// <summary>
    /// Stops at a batch boundary when someone asked, from any process, to cancel the job: a partial import
    /// keeps what it committed, an all-or-nothing one writes nothing. The batch's progress save has just told: a
    /// cancel request changes the job's version, so the save found the job changed and kept the request (no
    /// second round trip to the store per batch).
    /// </summary>
    private void StopIfCancelRequested()
    {
        if (Committing && Job.CancelRequested)
        {
            throw new CancelRequestedException();
        }
    }

    private sealed class CancelRequestedException : Exception;

    private string? ExceedsInvalidFraction() =>
        options.MaxInvalidFraction is { } fraction && counts.Read > 0 && (double)counts.Invalid / counts.Read > fraction
            ? $"Stopped after {counts.Invalid} of {counts.Read} rows were invalid, more than the limit of {fraction:P0}."
            : null;

    /// <summary>
    /// Hands the batch to the target. All-or-nothing (one transaction), it is written while the next batch is read:
    /// first the previous batch's write is awaited and its outcomes taken, so at most one batch is ahead. Partial
    /// (a transaction per batch), it is written and committed before the next is read. Returns the empty batch to
    /// fill next: <paramref name="spare"/> when this one is still being written.
    /// </summary>
    private async Task<BatchSlot> FlushAsync(BatchSlot slot, BatchSlot spare, CancellationToken cancellationToken)
    {
        await EndWriteAsync(cancellationToken).ConfigureAwait(false);
        if (slot.Batch.Count == 0)
        {
            return slot;
        }

        if (options.CommitMode == CommitMode.AllOrNothing && counts.Invalid > 0)
        {
            // The import will be rolled back anyway; writing more would only cost time.
            slot.Clear();
            return slot;
        }

        transaction ??= await target!.BeginAsync(targetContext!, cancellationToken).ConfigureAwait(false);
        var into = transaction;
        var parent = recorder.Span;
        var resourceName = Job.Resource;

        // On a thread of its own: a provider whose I/O completes synchronously (SQLite) would otherwise write on the reader's.
        write = Task.Run(
            async () =>
            {
                using var span = BulkDataDiagnostics.Source.StartActivity("bulkdata.batch", System.Diagnostics.ActivityKind.Internal, parent);
                span?.SetTag("bulkdata.batch.rows", slot.Batch.Count).SetTag("bulkdata.batch.last_row", slot.Batch.LastRowRead);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await into.WriteAsync(slot.Batch, cancellationToken).ConfigureAwait(false);
                BulkDataDiagnostics.BatchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, new System.Diagnostics.TagList { { "bulkdata.resource", resourceName } });
            },
            CancellationToken.None);
        writing = slot;
        if (options.CommitMode == CommitMode.Partial)
        {
            // Partial imports commit each batch before reading the next: the checkpoint then carries exactly the rows
            // read, and a database with one writer (SQLite) is free for others between batches.
            await EndWriteAsync(cancellationToken).ConfigureAwait(false);
            return slot;
        }

        return spare;
    }

    /// <summary>Waits for the batch being written, then takes its outcomes and rejections and, in partial mode, commits it.</summary>
    private async Task EndWriteAsync(CancellationToken cancellationToken)
    {
        if (writing is not { } slot)
        {
            return;
        }

        try
        {
            // A failed write goes to the run's error handling, whose DiscardAsync keeps the errors read ahead.
            await write!.ConfigureAwait(false);
        }
        finally
        {
            writing = null;
            write = null;
        }

        var batch = slot.Batch;
        for (var i = 0; i < batch.Count; i++)
        {
            var outcome = batch.OutcomeAt(i);
            if (outcome == RowOutcomeKind.Invalid)
            {
                var (column, message) = batch.RejectionAt(i);
                counts.Valid--;
                counts.Invalid++;
                Keep(new RowError(RowErrorKind.Validation, message, batch.RowNumberAt(i), batch.LineNumberAt(i), column));
            }
            else
            {
                uncommitted.Add(outcome);
            }

            if (options.RecordRowOutcomes)
            {
                outcomes[slot.OutcomeIndexes[i]] = outcomes[slot.OutcomeIndexes[i]] with { Kind = outcome };
            }
        }

        lastWrittenRow = batch.LastRowRead;
        slot.Clear();
        if (options.CommitMode == CommitMode.Partial)
        {
            await CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        TakeReadAheadErrors();
    }

    /// <summary>A batch being filled or written, with the indexes of its rows' outcomes.</summary>
    private sealed class BatchSlot(int capacity)
    {
        public ImportBatch<T> Batch { get; } = new(capacity);

        public List<int> OutcomeIndexes { get; } = new(capacity);

        public void Clear()
        {
            Batch.Clear();
            OutcomeIndexes.Clear();
        }
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            return;
        }

        // Once decided, a commit runs to its end: a cancel arriving during it must not leave the job's
        // record unsure of what the target holds.
        cancellationToken.ThrowIfCancellationRequested();
        var committed = counts;
        committed.Created += uncommitted.Created;
        committed.Updated += uncommitted.Updated;
        committed.Skipped += uncommitted.Skipped;
        committed.Unchanged += uncommitted.Unchanged;
        committed.Existing += uncommitted.Existing;
        await transaction.CommitAsync(new ImportProgress(lastWrittenRow, committed.ToCounts(), errorCount, errors.ToArray()), CancellationToken.None).ConfigureAwait(false);
        await transaction.DisposeAsync().ConfigureAwait(false);
        transaction = null;
        BulkDataDiagnostics.RowsWritten.Add(uncommitted.Created + uncommitted.Updated, new System.Diagnostics.TagList { { "bulkdata.resource", Job.Resource }, { "bulkdata.kind", Job.Kind.ToString() } });
        counts = committed;
        uncommitted = default;
        firstUncommittedOutcome = outcomes.Count;
        checkpoint = lastWrittenRow;
    }

    /// <summary>Drops an open transaction (a rollback) and marks the rows it held as not written.</summary>
    private async Task DiscardAsync()
    {
        if (write is not null)
        {
            // A batch still being written is let finish (its error, if any, is the one being handled) before its transaction goes.
            await write.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            writing = null;
            write = null;
        }

        TakeReadAheadErrors();

        if (transaction is null)
        {
            return;
        }

        await transaction.DisposeAsync().ConfigureAwait(false);
        transaction = null;
        uncommitted = default;
        for (var i = firstUncommittedOutcome; i < outcomes.Count; i++)
        {
            if (outcomes[i].Kind is not (RowOutcomeKind.Valid or RowOutcomeKind.Invalid))
            {
                outcomes[i] = outcomes[i] with { Kind = RowOutcomeKind.Valid };
            }
        }
    }

    private async Task CompleteAsync(string? stopReason, CancellationToken cancellationToken)
    {
        if (stopReason is not null)
        {
            await DiscardAsync().ConfigureAwait(false);
            await FinishAsync(JobStatus.Failed, stopReason, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Committing)
        {
            await FinishAsync(counts.Invalid == 0 ? JobStatus.Validated : JobStatus.ValidationFailed, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (options.CommitMode == CommitMode.AllOrNothing && counts.Invalid > 0)
        {
            await DiscardAsync().ConfigureAwait(false);
            await FinishAsync(JobStatus.ValidationFailed, $"{counts.Invalid} rows are invalid, so nothing was imported. Fix them and import the file again.", cancellationToken).ConfigureAwait(false);
            return;
        }

        await CommitAsync(cancellationToken).ConfigureAwait(false);

        // The rows are in: the job says so, whatever cancel arrives now.
        await FinishAsync(counts.Invalid == 0 ? JobStatus.Completed : JobStatus.CompletedWithErrors, null, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a row's error. While a batch is being written (all-or-nothing reads the next meanwhile), errors of the
    /// rows read ahead wait until that batch's rejections are in, so the job's errors stay in row order and the cap
    /// on kept errors keeps the first rows'.
    /// </summary>
    private void RecordError(RowError error)
    {
        if (writing is not null)
        {
            readAheadErrors.Add(error);
            return;
        }

        Keep(error);
    }

    private void TakeReadAheadErrors()
    {
        // The batch just written has its rejections in: its errors go to the file in row order, before the next batch's.
        rejectedRows?.Flush();
        foreach (var error in readAheadErrors)
        {
            Keep(error);
        }

        readAheadErrors.Clear();
    }

    private void Keep(RowError error)
    {
        errorCount++;
        if (error.RawValue is { Length: > MaxRawValueLength } raw)
        {
            error = error with { RawValue = string.Concat(raw.AsSpan(0, MaxRawValueLength), "…") };
        }

        rejectedRows?.Add(error);
        var size = (error.Message.Length + (error.RawValue?.Length ?? 0) + (error.Column?.Length ?? 0)) * sizeof(char);
        if (errors.Count >= options.MaxErrors || errorBytes + size > options.MaxErrorBytes)
        {
            return;
        }

        errors.Add(error);
        errorBytes += size;
    }

    private const int MaxRawValueLength = 256;

    /// <summary>Keeps a row's warning, up to <see cref="MaxRowWarnings"/>; the last one kept says that more were left out.</summary>
    private void Warn(string warning)
    {
        if (++rowWarnings < MaxRowWarnings)
        {
            warnings.Add(warning);
        }
        else if (rowWarnings == MaxRowWarnings)
        {
            warnings.Add("More rows have warnings like the ones above; they are not listed.");
        }
    }

    private const int MaxRowWarnings = 100;

    private Task CreateJobAsync(IImportSource source, CancellationToken cancellationToken)
    {
        var parameters = QueuedImport.Describe(operation);
        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            Resource = operation.Resource.Name,
            Format = source.Format,
            FileName = source.Name,
            Owner = operation.Owner,
            Tenant = operation.Tenant,
            Parameters = parameters,
        };
        return recorder.CreateAsync(job, $"{kind} of {job.Resource} from {source.Name ?? source.Format}", JobStatus.Pending, cancellationToken);
    }

    /// <summary>
    /// Reports progress and saves it to the job store after every batch, so that another process polling the
    /// job sees it, all-or-nothing imports included.
    /// </summary>
    private async Task SaveProgressAsync(string phase, CancellationToken cancellationToken)
    {
        recorder.CountRows(counts.Read, counts.Invalid);
        var snapshot = Snapshot(phase);
        await recorder.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);

        operation.Progress?.Report(snapshot.Progress);
    }

    /// <summary>
    /// Takes as the header the candidate row that names most of the resource's columns (exactly or normalised; the
    /// first of equals), records its row on the job (<c>headerRow</c>), and says so when rows above it are skipped.
    /// </summary>
    private void ChooseHeaderRow(IHeaderRowChoice choice, ResourceColumn[] columns)
    {
        var candidates = choice.HeaderCandidates;
        var (best, named) = HeaderSearch.Best(candidates, columns, operation.ColumnMappings);
        choice.UseHeaderRow(best);
        var line = candidates[best].Line;
        headerLine = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (line > candidates[0].Line)
        {
            warnings.Add($"The header was found on row {line}, matching {named} of the {columns.Length} fields by name: the rows above it are not imported.");
        }
    }

    private Job Snapshot(string phase)
    {
        var snapshot = Job with { Progress = new JobProgress(counts.Read, reader?.EstimatedRows, phase), Counts = counts.ToCounts(), ErrorCount = errorCount, Checkpoint = Math.Max(Job.Checkpoint, checkpoint) };
        if (headerLine is not null && snapshot.Parameters.GetValueOrDefault(JobParameters.HeaderRow) != headerLine)
        {
            snapshot = snapshot with { Parameters = new Dictionary<string, string>(snapshot.Parameters) { [JobParameters.HeaderRow] = headerLine } };
        }

        if (snapshot.Errors.Count != errors.Count || snapshot.Warnings.Count != warnings.Count)
        {
            snapshot = snapshot with { Errors = errors.ToArray(), Warnings = warnings.ToArray() };
        }

        return snapshot;
    }

    private async Task FinishAsync(JobStatus status, string? reason, CancellationToken cancellationToken)
    {
        recorder.CountRows(counts.Read, counts.Invalid);
        var details = $"{counts.Read} read, {counts.Valid} valid, {counts.Invalid} invalid, {counts.Created} created, {counts.Updated} updated, {counts.Skipped} skipped ({counts.Unchanged} unchanged, {counts.Existing} existing, {counts.Duplicates} duplicates)";
        var done = Snapshot("done") with { Status = status, FailureReason = reason };
        var earlier = done.Parameters.GetValueOrDefault(JobParameters.Errors);
        if (rejectedRows is not null && operation.Services.Files is { } files)
        {
            // The errors the job left out are stored for its report; a file of an earlier run (a dry run now
            // committed, or a run resumed) gives way to this one's.
            var parameters = done.Parameters.Where(p => p.Key != JobParameters.Errors).ToDictionary();
            if (errorCount > errors.Count)
            {
                parameters[JobParameters.Errors] = (await rejectedRows.SaveAsync(files, $"{Job.FileName ?? Job.Resource}.errors.jsonl", CancellationToken.None).ConfigureAwait(false)).Id.ToString();
            }

            done = done with { Parameters = parameters };
        }

        await recorder.FinishAsync(done, details, cancellationToken).ConfigureAwait(false);
        if (earlier is not null && earlier != done.Parameters.GetValueOrDefault(JobParameters.Errors) && Guid.TryParse(earlier, out var earlierId))
        {
            await operation.Services.Files!.DeleteAsync(earlierId, CancellationToken.None).ConfigureAwait(false);
        }
        operation.Progress?.Report(Job.Progress);
    }

    /// <summary>
    /// Finds the members a resource's row hooks set that the file has no column for, by comparing them with
    /// the values the new item had before the hooks ran, so an update writes them too. Lists that repeat
    /// from row to row are shared rather than made anew.
    /// </summary>
    private sealed class HookedMembers(IColumnBinding<T>[] columns, int[] absent, string[] fileMembers)
    {
        private readonly object?[] before = new object?[absent.Length];
        private readonly List<int> changed = [];
        private int[] lastChanged = [];
        private string[] lastMembers = fileMembers;

        public string[] FileMembers { get; } = fileMembers;

        public void Snapshot(T item)
        {
            for (var i = 0; i < absent.Length; i++)
            {
                before[i] = columns[absent[i]].GetValue(item);
            }
        }

        public string[] MembersSet(T item)
        {
            changed.Clear();
            for (var i = 0; i < absent.Length; i++)
            {
                if (!Equals(before[i], columns[absent[i]].GetValue(item)))
                {
                    changed.Add(absent[i]);
                }
            }

            if (!changed.SequenceEqual(lastChanged))
            {
                lastChanged = changed.ToArray();
                lastMembers = [.. FileMembers, .. lastChanged.Select(c => columns[c].Column.MemberName)];
            }

            return lastMembers;
        }
    }

    /// <summary>Row counters kept as plain fields on the hot path; <see cref="JobCounts"/> is built only for snapshots.</summary>
    private struct Tally
    {
        public long Read;
        public long Valid;
        public long Invalid;
        public long Created;
        public long Updated;
        public long Skipped;
        public long Unchanged;
        public long Existing;
        public long Duplicates;

        public void Add(RowOutcomeKind outcome)
        {
            switch (outcome)
            {
                case RowOutcomeKind.Created:
                    Created++;
                    break;
                case RowOutcomeKind.Updated:
                    Updated++;
                    break;
                case RowOutcomeKind.Unchanged:
                    Skipped++;
                    Unchanged++;
                    break;
                default:
                    Skipped++;
                    Existing++;
                    break;
            }
        }

        public readonly JobCounts ToCounts() => new(Read, Valid, Invalid, Created, Updated, Skipped, Unchanged, Existing, Duplicates);

        public static Tally From(JobCounts counts) => new()
        {
            Read = counts.Read,
            Valid = counts.Valid,
            Invalid = counts.Invalid,
            Created = counts.Created,
            Updated = counts.Updated,
            Skipped = counts.Skipped,
            Unchanged = counts.Unchanged,
            Existing = counts.Existing,
            Duplicates = counts.Duplicates,
        };
    }
}
