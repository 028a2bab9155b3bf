using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dynamo.DynamoDb.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Dynamo.DynamoDb.Auth;

/// <summary>What the Authorization header said (when present and parseable).</summary>
/// <param name="AccessKeyId">Access key id from the credential scope.</param>
/// <param name="Region">Region from the credential scope.</param>
public sealed record SigV4Identity(string AccessKeyId, string Region);

/// <summary>
/// Verifies AWS Signature Version 4 (header form, AWS4-HMAC-SHA256) exactly as AWS defines it: canonical request,
/// string to sign, derived signing key (date → region → service → "aws4_request"), constant-time comparison.
/// Errors use DynamoDB's exception types and messages.
/// </summary>
public static class SigV4Verifier
{
    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Mismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    /// <summary>
    /// Authenticates a request according to <paramref name="options"/>. Returns the parsed identity (null when the
    /// request has no usable Authorization header and authentication is off). Throws <see cref="DynamoDbErrorException"/>.
    /// </summary>
    public static SigV4Identity? Authenticate(HttpRequest request, ReadOnlySpan<byte> body, DynamoDbApiOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var verify = options.Authentication == DynamoDbAuthenticationMode.SignatureV4;
        var auth = request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(auth) || !auth.TrimStart().StartsWith("AWS4-", StringComparison.Ordinal))
        {
            return verify
                ? throw new DynamoDbErrorException(DynamoDbErrorTypes.MissingAuthenticationToken, "Request is missing Authentication Token")
                : null;
        }

        try
        {
            return AuthenticateCore(request, body, options, now, auth.Trim(), verify);
        }
        catch (DynamoDbErrorException) when (!verify)
        {
            return null; // Authentication off: a malformed header is ignored.
        }
    }

    private static SigV4Identity AuthenticateCore(HttpRequest request, ReadOnlySpan<byte> body, DynamoDbApiOptions options, DateTimeOffset now, string auth, bool verify)
    {
        var space = auth.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? auth : auth[..space];
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (space >= 0)
        {
            foreach (var part in auth[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    parameters[part[..eq].Trim()] = part[(eq + 1)..].Trim();
                }
            }
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        var dateHeader = request.Headers.Date.ToString();
        var missing = new StringBuilder();
        foreach (var name in new[] { "Credential", "Signature", "SignedHeaders" })
        {
            if (!parameters.ContainsKey(name))
            {
                missing.Append("Authorization header requires '").Append(name).Append("' parameter. ");
            }
        }

        if (amzDate.Length == 0 && dateHeader.Length == 0)
        {
            missing.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }

        if (missing.Length > 0)
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.IncompleteSignature, missing + "Authorization=" + auth);
        }

        if (algorithm != Algorithm)
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.IncompleteSignature, $"Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). ");
        }

        var credential = parameters["Credential"];
        var scope = credential.TrimEnd('/').Split('/');
        if (scope.Length != 5)
        {
            throw new DynamoDbErrorException(
                DynamoDbErrorTypes.IncompleteSignature,
                $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'");
        }

        var identity = new SigV4Identity(scope[0], scope[2]);
        if (!verify)
        {
            return identity;
        }

        DateTimeOffset requestTime;
        string requestDateText;
        if (amzDate.Length > 0)
        {
            requestDateText = amzDate;
            if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out requestTime))
            {
                throw new DynamoDbErrorException(DynamoDbErrorTypes.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
            }
        }
        else
        {
            requestDateText = dateHeader;
            if (!DateTimeOffset.TryParse(dateHeader, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out requestTime))
            {
                throw new DynamoDbErrorException(DynamoDbErrorTypes.IncompleteSignature, $"Date must be in ISO-8601 'basic format'. Got '{dateHeader}'. See http://en.wikipedia.org/wiki/ISO_8601");
            }
        }

        var isoRequest = Iso(requestTime);
        if (requestTime < now - options.MaxClockSkew)
        {
            throw new DynamoDbErrorException(
                DynamoDbErrorTypes.InvalidSignature,
                $"Signature expired: {isoRequest} is now earlier than {Iso(now - options.MaxClockSkew)} ({Iso(now)} - {Minutes(options.MaxClockSkew)} min.)");
        }

        if (requestTime > now + options.MaxClockSkew)
        {
            throw new DynamoDbErrorException(
                DynamoDbErrorTypes.InvalidSignature,
                $"Signature not yet current: {isoRequest} is still later than {Iso(now + options.MaxClockSkew)} ({Iso(now)} + {Minutes(options.MaxClockSkew)} min.)");
        }

        var signedHeaders = parameters["SignedHeaders"].Split(';', StringSplitOptions.RemoveEmptyEntries);
        if (!signedHeaders.Contains("host", StringComparer.OrdinalIgnoreCase))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.InvalidSignature, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var scopeErrors = new StringBuilder();
        if (scope[3] != "dynamodb")
        {
            scopeErrors.Append("Credential should be scoped to correct service: 'dynamodb'. ");
        }

        if (scope[4] != "aws4_request")
        {
            scopeErrors.Append("Credential should be scoped with a valid terminator: 'aws4_request', not '").Append(scope[4]).Append("'. ");
        }

        var requestDay = isoRequest[..8];
        if (scope[1] != requestDay)
        {
            scopeErrors.Append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '")
                .Append(scope[1]).Append("' != '").Append(requestDay).Append("', from '").Append(isoRequest).Append("'.");
        }

        if (scopeErrors.Length > 0)
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.InvalidSignature, scopeErrors.ToString().TrimEnd());
        }

        if (!options.Credentials.TryGetValue(scope[0], out var secret))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.UnrecognizedClient, "The security token included in the request is invalid.");
        }

        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var declaredHash = request.Headers["X-Amz-Content-Sha256"].ToString();
        if (declaredHash.Length > 0 && declaredHash != "UNSIGNED-PAYLOAD" && !string.Equals(declaredHash, payloadHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }

        var canonicalRequest = CanonicalRequest(request, signedHeaders, declaredHash.Length > 0 ? declaredHash : payloadHash);
        var credentialScope = string.Join('/', scope[1], scope[2], scope[3], scope[4]);
        var stringToSign = Algorithm + "\n" + requestDateText + "\n" + credentialScope + "\n" +
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = SigningKey(secret, scope[1], scope[2], scope[3]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign));
        var provided = parameters["Signature"];
        byte[] providedBytes;
        try
        {
            providedBytes = Convert.FromHexString(provided);
        }
        catch (FormatException)
        {
            providedBytes = [];
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, providedBytes))
        {
            throw new DynamoDbErrorException(DynamoDbErrorTypes.InvalidSignature, Mismatch);
        }

        return identity;
    }

    /// <summary>The SigV4 canonical request for <paramref name="request"/>.</summary>
    internal static string CanonicalRequest(HttpRequest request, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string rawPath;
        string rawQuery;
        if (string.IsNullOrEmpty(rawTarget))
        {
            rawPath = request.PathBase.Add(request.Path).ToUriComponent();
            rawQuery = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        }
        else
        {
            var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
            rawPath = q < 0 ? rawTarget : rawTarget[..q];
            rawQuery = q < 0 ? string.Empty : rawTarget[(q + 1)..];
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.ToUpperInvariant()).Append('\n');
        sb.Append(CanonicalPath(rawPath)).Append('\n');
        sb.Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (var name in signedHeaders)
        {
            var values = request.Headers[name];
            var value = string.Join(',', values.Select(v => CollapseWhitespace(v ?? string.Empty)));
            sb.Append(name.ToLowerInvariant()).Append(':').Append(value).Append('\n');
        }

        sb.Append('\n');
        sb.Append(string.Join(';', signedHeaders.Select(h => h.ToLowerInvariant()))).Append('\n');
        sb.Append(payloadHash);
        return sb.ToString();
    }

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").</summary>
    internal static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, "aws4_request"u8);
    }

    private static string CanonicalPath(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return "/";
        }

        var segments = rawPath.Split('/');
        return string.Join('/', segments.Select(s => UriEncode(Uri.UnescapeDataString(s))));
    }

    private static string CanonicalQuery(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return string.Empty;
        }

        var pairs = rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var k = eq < 0 ? p : p[..eq];
                var v = eq < 0 ? string.Empty : p[(eq + 1)..];
                return (Key: UriEncode(Uri.UnescapeDataString(k.Replace('+', ' '))), Value: UriEncode(Uri.UnescapeDataString(v.Replace('+', ' '))));
            })
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    private static string UriEncode(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static string CollapseWhitespace(string value)
    {
        var sb = new StringBuilder(value.Length);
        var lastSpace = false;
        foreach (var c in value.Trim())
        {
            if (c == ' ')
            {
                if (!lastSpace)
                {
                    sb.Append(c);
                }

                lastSpace = true;
            }
            else
            {
                sb.Append(c);
                lastSpace = false;
            }
        }

        return sb.ToString();
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}
