using System.IO.Compression;
using System.Security.Cryptography;

namespace BulkData.Packages;

/// <summary>
/// A package's ZIP archive, opened read-only and checked before anything reads it: every entry's name stays
/// inside the package, no entry is a link, a duplicate or an archive, and the entry count, the unpacked size and
/// each entry's compression ratio stay under <see cref="DataPackageOptions"/>. Entries are read through a stream
/// that stops at the size the archive declares, so an entry that lies about its size cannot unpack further.
/// </summary>
internal sealed class PackageArchive : IDisposable
{
    public const string ManifestName = "datapackage.json";

    private static readonly string[] ArchiveExtensions = [".zip", ".jar", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".zst"];
    private readonly ZipArchive zip;
    private readonly Dictionary<string, ZipArchiveEntry> entries = new(StringComparer.Ordinal);

    private PackageArchive(ZipArchive zip) => this.zip = zip;

    /// <summary>The file entries, by name.</summary>
    public IReadOnlyDictionary<string, ZipArchiveEntry> Entries => entries;

    public static PackageArchive Open(string path, DataPackageOptions options)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new DataPackageException(PackageProblem.NotAnArchive, null, "The package is not a ZIP archive, or it is damaged. Export it again, or zip the data files with datapackage.json at the root.", e);
        }

        var archive = new PackageArchive(zip);
        try
        {
            archive.Check(options);
            return archive;
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private void Check(DataPackageOptions options)
    {
        if (zip.Entries.Count > options.MaxEntries)
        {
            throw new ImportLimitExceededException($"{nameof(DataPackageOptions)}.{nameof(DataPackageOptions.MaxEntries)}", options.MaxEntries, "The package holds more entries than", "entries");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long unpacked = 0;
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            CheckName(name);

            // The upper 16 bits of a Unix-made entry's attributes hold its file mode: 0xA000 is a symbolic link.
            if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
            {
                throw new DataPackageException(PackageProblem.SymbolicLink, name, $"The package entry '{name}' is a symbolic link. Packages hold plain files only.");
            }

            if (!names.Add(name))
            {
                throw new DataPackageException(PackageProblem.DuplicateEntry, name, $"The package holds two entries named '{name}'. Each file must appear once.");
            }

            if (name.EndsWith('/'))
            {
                continue;
            }

            if (ArchiveExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DataPackageException(PackageProblem.NestedArchive, name, $"The package entry '{name}' is itself an archive. Put its files in the package directly.");
            }

            unpacked += entry.Length;
            if (unpacked > options.MaxUnpackedBytes)
            {
                throw new ImportLimitExceededException($"{nameof(DataPackageOptions)}.{nameof(DataPackageOptions.MaxUnpackedBytes)}", options.MaxUnpackedBytes, "The package unpacks to more than", "bytes");
            }

            if (entry.Length > 1024 && entry.Length > (long)options.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
            {
                throw new ImportLimitExceededException($"{nameof(DataPackageOptions)}.{nameof(DataPackageOptions.MaxCompressionRatio)}", options.MaxCompressionRatio, $"The entry '{name}' unpacks to more bytes per compressed byte than", "to 1");
            }

            entries[name] = entry;
        }
    }

    private static void CheckName(string name)
    {
        var unsafeName = name.Length == 0
            || name.Contains('\\')
            || name[0] == '/'
            || (name.Length > 1 && name[1] == ':')
            || name.Any(char.IsControl)
            || name.TrimEnd('/').Split('/').Any(segment => segment is "" or "." or "..");
        if (unsafeName)
        {
            throw new DataPackageException(PackageProblem.UnsafeEntryName, name, $"The package entry '{name}' has a name that could write outside the package (a '..', an absolute path, a drive letter or a backslash). Entry names must be relative paths with forward slashes.");
        }
    }

    /// <summary>Opens an entry; reading past the size the archive declares for it fails.</summary>
    public Stream Open(string name)
    {
        if (!entries.TryGetValue(name, out var entry))
        {
            throw new DataPackageException(PackageProblem.MissingFile, name, $"The manifest lists '{name}', but the package has no such file.");
        }

        long position = 0;
        return new Sources.CountedReadStream(
            entry.Open(),
            read =>
            {
                if ((position += read) > entry.Length)
                {
                    throw new DataPackageException(PackageProblem.SizeMismatch, name, $"The package entry '{name}' unpacks to more than the {entry.Length:N0} bytes its archive declares: it is damaged or built to overload the server.");
                }
            },
            e => new DataPackageException(PackageProblem.NotAnArchive, name, $"The package entry '{name}' is damaged and cannot be unpacked.", e));
    }

    /// <summary>
    /// Reads an entry to its end, checking its size and hash against the manifest's (a hash is <c>md5</c> unless
    /// prefixed, as in <c>sha256:...</c>); a data file must not be an archive in disguise.
    /// </summary>
    public async Task VerifyAsync(string name, long? bytes, string? hash, bool isData, CancellationToken cancellationToken)
    {
        var (algorithm, expected) = ParseHash(name, hash);
        using var digest = algorithm is null ? null : IncrementalHash.CreateHash(algorithm.Value);
        await using var stream = Open(name);
        var buffer = new byte[81_920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (total == 0 && isData && LooksLikeArchive(buffer.AsSpan(0, read)))
            {
                throw new DataPackageException(PackageProblem.NestedArchive, name, $"The data file '{name}' is an archive, not text. Put its files in the package directly.");
            }

            digest?.AppendData(buffer, 0, read);
            total += read;
        }

        if (bytes is { } declared && declared != total)
        {
            throw new DataPackageException(PackageProblem.SizeMismatch, name, $"The manifest says '{name}' has {declared:N0} bytes, but it has {total:N0}. The package was changed or damaged after it was written.");
        }

        if (digest is not null && !string.Equals(Convert.ToHexStringLower(digest.GetHashAndReset()), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DataPackageException(PackageProblem.HashMismatch, name, $"The hash of '{name}' does not match the manifest's. The package was changed or damaged after it was written.");
        }
    }

    private static (HashAlgorithmName? Algorithm, string? Value) ParseHash(string name, string? hash)
    {
        if (string.IsNullOrEmpty(hash))
        {
            return (null, null);
        }

        var colon = hash.IndexOf(':', StringComparison.Ordinal);
        var (algorithm, value) = colon < 0 ? ("md5", hash) : (hash[..colon].ToLowerInvariant(), hash[(colon + 1)..]);
        return algorithm switch
        {
            "md5" => (HashAlgorithmName.MD5, value),
            "sha1" => (HashAlgorithmName.SHA1, value),
            "sha256" => (HashAlgorithmName.SHA256, value),
            "sha512" => (HashAlgorithmName.SHA512, value),
            _ => throw new DataPackageException(PackageProblem.InvalidManifest, name, $"The manifest gives '{name}' a hash of kind '{algorithm}', which is not md5, sha1, sha256 or sha512."),
        };
    }

    // ZIP, gzip, 7-Zip and RAR signatures.
    private static bool LooksLikeArchive(ReadOnlySpan<byte> start) =>
        start.StartsWith("PK\u0003\u0004"u8) || start.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) || start.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF]) || start.StartsWith("Rar!"u8);

    public void Dispose() => zip.Dispose();
}
