internal import CRelaisOpenSSL

/// The two MACs signalling needs, from the system OpenSSL (JWT HS256 and coturn's TURN REST credentials).
enum Crypto {
    static func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(EVP_sha256(), key: key, data: data, length: 32)
    }

    static func hmacSHA1(key: [UInt8], data: [UInt8]) -> [UInt8] {
        hmac(EVP_sha1(), key: key, data: data, length: 20)
    }

    static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = SHA256(data, data.count, &out)
        return out
    }

    /// Compares without an early exit, so timing does not reveal how many signature bytes matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }

    /// 16 random bytes from OpenSSL's CSPRNG (resume tokens).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        _ = RAND_bytes(&out, Int32(count))
        return out
    }

    private static func hmac(_ md: OpaquePointer?, key: [UInt8], data: [UInt8], length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var outLength: UInt32 = 0
        _ = HMAC(md, key, Int32(key.count), data, data.count, &out, &outLength)
        return Array(out.prefix(Int(outLength)))
    }
}
