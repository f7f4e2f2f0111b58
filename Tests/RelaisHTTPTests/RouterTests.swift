import RelaisHTTP
import Testing

struct RouterTests {
    private var router: Router<String> {
        var r = Router<String>()
        r.add("GET", "/api/v1/visits", "list")
        r.add("POST", "/api/v1/visits", "create")
        r.add("GET", "/api/v1/visits/{id}", "show")
        r.add("DELETE", "/api/v1/visits/{id}/participants/{pid}", "remove")
        return r
    }

    @Test(arguments: [
        ("GET", "/api/v1/visits", "list"), ("POST", "/api/v1/visits/", "create"), ("GET", "/api/v1/visits/abc", "show"),
        ("HEAD", "/api/v1/visits/abc", "show"),
    ])
    func matchesMethodAndPath(method: String, path: String, expected: String) {
        guard case .found(let handler, _) = router.match(method: method, path: path) else { Issue.record("no match"); return }
        #expect(handler == expected)
    }

    @Test func bindsDecodedParameters() {
        guard case .found(_, let params) = router.match(method: "DELETE", path: "/api/v1/visits/v%201/participants/p-2") else {
            Issue.record("no match"); return
        }
        #expect(params == ["id": "v 1", "pid": "p-2"])
    }

    @Test func wrongMethodListsAllowedOnes() {
        guard case .methodNotAllowed(let allowed) = router.match(method: "PUT", path: "/api/v1/visits") else {
            Issue.record("expected 405"); return
        }
        #expect(Set(allowed) == ["GET", "POST", "HEAD"])
    }

    @Test func unknownPathIsNotFound() {
        guard case .notFound = router.match(method: "GET", path: "/api/v2/visits") else { Issue.record("expected 404"); return }
    }
}
