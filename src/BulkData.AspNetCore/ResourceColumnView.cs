namespace BulkData.AspNetCore;

/// <summary>A column a file's header can map to.</summary>
/// <param name="Name">Its header name.</param>
/// <param name="Member">The member behind it.</param>
/// <param name="Required">True when every file must map it.</param>
/// <param name="Key">True when it is part of the import key.</param>
/// <param name="Aliases">Other header spellings that map to it.</param>
public sealed record ResourceColumnView(string Name, string Member, bool Required, bool Key, IReadOnlyList<string> Aliases);
