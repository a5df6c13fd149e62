// An HttpClient that answers from a script and remembers what it was asked: the API code's
// decisions, tested without sockets.
#pragma once
#include "gitlab/http.h"

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace dind::gitlab::testing {

class FakeHttp : public HttpClient {
  public:
    std::deque<HttpResponse> answers;
    std::vector<HttpRequest> requests;
    std::function<void(const HttpRequest&)> on_request; // runs before the answer is given

    HttpResponse perform(const HttpRequest& request) override {
        requests.push_back(request);
        if (on_request) on_request(request);
        if (answers.empty()) return answer(599, R"({"message":"the fake has no answer left"})");
        HttpResponse r = answers.front();
        answers.pop_front();
        return r;
    }

    static HttpResponse answer(long status, std::string body = "", std::map<std::string, std::string> headers = {}) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        return r;
    }
    static HttpResponse failure(HttpResponse::Failure f, std::string error) {
        HttpResponse r;
        r.failure = f;
        r.error = std::move(error);
        return r;
    }
};

} // namespace dind::gitlab::testing
