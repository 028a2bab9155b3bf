using System.Security.Cryptography;
using System.Text;
using Dynamo.Core;
using Grpc.Core;

namespace Dynamo.Protos.Hosting;

/// <summary>
/// The cluster credential every inter-process call carries (DESIGN §7). It is derived from the cluster
/// secret, so the secret itself never travels; a call without it, or with a wrong one, is refused.
/// </summary>
public sealed class ClusterCredentials
{
    public const string NodeHeader = "dynamo-node";
    public const string TokenHeader = "dynamo-cluster-token";

    private readonly byte[] _token;

    public ClusterCredentials(string clusterSecret)
    {
        if (string.IsNullOrEmpty(clusterSecret) || Encoding.UTF8.GetByteCount(clusterSecret) < 16)
        {
            throw new ArgumentException("The cluster secret must be at least 16 bytes.", nameof(clusterSecret));
        }

        Secret = Encoding.UTF8.GetBytes(clusterSecret);
        _token = HMACSHA256.HashData(Secret, "dynamo/peer-auth/v1"u8);
        Token = Convert.ToBase64String(_token);
    }

    /// <summary>The raw secret, for Core (it signs client contexts with a key derived from it).</summary>
    public byte[] Secret { get; }

    public string Token { get; }

    public Metadata Headers(NodeId self) => new() { { NodeHeader, self.Value }, { TokenHeader, Token } };

    public bool Verify(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[64];
        return Convert.TryFromBase64String(token, raw, out int n) && CryptographicOperations.FixedTimeEquals(raw[..n], _token);
    }
}
