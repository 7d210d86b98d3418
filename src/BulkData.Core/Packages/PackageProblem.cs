namespace BulkData.Packages;

/// <summary>What is wrong with a data package that was refused.</summary>
public enum PackageProblem
{
    /// <summary>The file is not a ZIP archive, or it is damaged.</summary>
    NotAnArchive,

    /// <summary>An entry's name could write outside the package (<c>..</c>, an absolute path, a drive letter, a backslash).</summary>
    UnsafeEntryName,

    /// <summary>An entry is a symbolic link.</summary>
    SymbolicLink,

    /// <summary>Two entries have the same name.</summary>
    DuplicateEntry,

    /// <summary>An entry is itself an archive.</summary>
    NestedArchive,

    /// <summary><c>datapackage.json</c> is missing, is not JSON, or does not describe a data package.</summary>
    InvalidManifest,

    /// <summary>The package was written by a newer version of the format than this one reads.</summary>
    UnsupportedVersion,

    /// <summary>A file the manifest lists is not in the archive.</summary>
    MissingFile,

    /// <summary>A file's size differs from the size the manifest gives.</summary>
    SizeMismatch,

    /// <summary>A file's hash differs from the hash the manifest gives.</summary>
    HashMismatch,

    /// <summary>A resource in the package is not one this application imports.</summary>
    UnknownResource,

    /// <summary>A resource's schema does not match the registered resource's columns.</summary>
    SchemaMismatch,

    /// <summary>Resources reference each other in a circle, so no order imports each after the ones it references.</summary>
    RelationCycle,

    /// <summary>A resource in the package is one the caller may not import (see <see cref="PackageImportOperation.AllowingOnly"/>).</summary>
    ResourceNotAllowed,
}
