namespace BulkData.Packages;

/// <summary>A reference or attachment in a package that does not resolve.</summary>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="Column">The column holding it.</param>
/// <param name="Value">The key or path as the package gives it.</param>
/// <param name="Message">What is missing.</param>
public sealed record UnresolvedReference(long RowNumber, string Column, string Value, string Message);
