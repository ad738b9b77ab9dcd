using System.Security.Cryptography;
using System.Text;

namespace SignalReplay.Storage;

/// <summary>Lower-case hex SHA-256, the one hash the project uses to name content.</summary>
public static class Hashing
{
    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
