#if canImport(Glibc)
import Glibc
#endif
internal import CRelaisOpenSSL

/// Writes a self-signed development certificate and key through the OpenSSL API (no `openssl` process).
///
/// The certificate is an ECDSA P-256 key signed with SHA-256, valid for `days`, with subject alternative names
/// for `localhost`, 127.0.0.1 and ::1 plus any extra names, and `CA:TRUE` so a client can pin it directly as
/// its trust anchor (what `curl --cacert` and Python's `ssl` expect of a development certificate).
public enum CertificateGenerator {
    public static func writeSelfSigned(
        certificatePath: String, privateKeyPath: String, commonName: String = "Relais development",
        extraNames: [String] = [], days: Int = 365
    ) throws(TLSError) {
        guard let key = makeP256Key() else { throw TLSError.drainingQueue(.certificateGeneration, "EC key generation failed") }
        defer { EVP_PKEY_free(key) }
        guard let cert = X509_new() else { throw TLSError.drainingQueue(.certificateGeneration, "X509_new failed") }
        defer { X509_free(cert) }

        _ = X509_set_version(cert, 2)  // v3
        var serial: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 8) }
        _ = ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1)  // positive
        _ = X509_gmtime_adj(X509_getm_notBefore(cert), -3600)  // tolerate small clock skew
        _ = X509_gmtime_adj(X509_getm_notAfter(cert), days * 86_400)
        _ = X509_set_pubkey(cert, key)
        let name = X509_get_subject_name(cert)
        _ = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        _ = X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "Relais", -1, -1, 0)
        _ = X509_set_issuer_name(cert, name)

        let names = (["DNS:localhost", "IP:127.0.0.1", "IP:::1"] + extraNames.map { $0.contains(":") ? $0 : "DNS:\($0)" })
            .joined(separator: ",")
        let extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:TRUE"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
            (NID_key_usage, "critical,digitalSignature,keyCertSign"),
            (NID_ext_key_usage, "serverAuth,clientAuth"),
            (NID_subject_alt_name, names),
        ]
        for (nid, value) in extensions {
            var ctx = X509V3_CTX()
            X509V3_set_ctx(&ctx, cert, cert, nil, nil, 0)
            guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
                throw TLSError.drainingQueue(.certificateGeneration, "bad extension \(nid)")
            }
            _ = X509_add_ext(cert, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(cert, key, EVP_sha256()) > 0 else {
            throw TLSError.drainingQueue(.certificateGeneration, "X509_sign failed")
        }
        try write(path: certificatePath, mode: 0o644) { bio in PEM_write_bio_X509(bio, cert) }
        try write(path: privateKeyPath, mode: 0o600) { bio in PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) }
    }

    private static func makeP256Key() -> OpaquePointer? {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else { return nil }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &key) == 1 else { return nil }
        return key
    }

    private static func write(path: String, mode: mode_t, _ body: (OpaquePointer) -> Int32) throws(TLSError) {
        // Create with the final mode so a private key is never readable by others, even briefly.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TLSError(.certificateGeneration, "cannot create \(path): errno \(errno)") }
        _ = fchmod(fd, mode)
        _ = Glibc.close(fd)
        guard let bio = BIO_new_file(path, "w") else {
            throw TLSError.drainingQueue(.certificateGeneration, "cannot open \(path)")
        }
        defer { BIO_free_all(bio) }
        guard body(bio) == 1 else { throw TLSError.drainingQueue(.certificateGeneration, "cannot write \(path)") }
    }
}
