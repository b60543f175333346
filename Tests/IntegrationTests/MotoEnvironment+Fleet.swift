import AWSCore
import Testing

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the fleet tests create in moto: a bucket and an asymmetric signing key.
extension MotoEnvironment {
    /// A fresh bucket named after `prefix` (a signed `CreateBucket` in eu-west-1); returns its name.
    func makeBucket(prefix: String = "fleet") throws -> String {
        let bucket = MotoEnvironment.uniqueName(prefix)
        let body =
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"
        let signer = SigV4Signer(
            credentials: Credentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey),
            region: "eu-west-1", service: "s3", normalizesPath: false, addsContentSHA256Header: true)
        let request = try signer.signed(
            HTTPRequest(method: "PUT", url: "\(url)/\(bucket)", body: Array(body.utf8)), date: Date())
        let response = try CurlTransport(environment: [:]).send(request, timeouts: .api)
        try #require(response.status == 200, "CreateBucket: \(String(decoding: response.body, as: UTF8.self))")
        return bucket
    }

    /// A fresh KMS key with key spec `ECC_NIST_P256` and usage `SIGN_VERIFY`, made with `kms`; returns its id.
    func makeSigningKey(_ kms: KMSClient) throws -> String {
        let created: CreatedKey = try kms.call(
            "CreateKey", CreateKeyRequest(keySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY"))
        return created.keyMetadata.keyID
    }
}

/// `CreateKey`'s request (only what the tests set).
private struct CreateKeyRequest: Encodable {
    let keySpec: String
    let keyUsage: String

    enum CodingKeys: String, CodingKey {
        case keySpec = "KeySpec"
        case keyUsage = "KeyUsage"
    }
}

/// `CreateKey`'s answer (only the key id).
private struct CreatedKey: Decodable {
    struct Metadata: Decodable {
        let keyID: String

        enum CodingKeys: String, CodingKey {
            case keyID = "KeyId"
        }
    }

    let keyMetadata: Metadata

    enum CodingKeys: String, CodingKey {
        case keyMetadata = "KeyMetadata"
    }
}
