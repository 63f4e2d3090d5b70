// The HTTP ingest API against a real node, watched by a WebSocket client.
#include <Poco/JSON/Parser.h>

#include "node_fixture.h"

namespace streamgate::testing {
namespace {

const std::string kKey = "ingest-key-0123456789";
const std::vector<std::pair<std::string, std::string>> kAuth = {{"Authorization", "Bearer " + kKey}};

class IngestTest : public NodeFixture {
 protected:
  void SetUp() override { start(nodeConfig("ingest:\n  api_keys: [" + kKey + "]\n")); }

  static Poco::JSON::Object::Ptr json(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  }

  // Creates a message in `session` owned by the anonymous user; returns {messageId, producerToken}.
  std::pair<std::string, std::string> create(const std::string& session, const std::string& requestId = "") {
    const auto reply =
        httpPost(port_, "/v1/sessions/" + session + "/messages",
                 requestId.empty() ? R"({"userId":"anonymous"})"
                                   : R"({"userId":"anonymous","requestId":")" + requestId + R"("})",
                 kAuth);
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return {};
    const auto object = json(reply.body);
    return {object->getValue<std::string>("messageId"), object->getValue<std::string>("producerToken")};
  }

  HttpResult post(const std::string& session, const std::string& messageId, const std::string& what,
                  const std::string& body, const std::string& token) {
    auto headers = kAuth;
    headers.emplace_back("X-Producer-Token", token);
    return httpPost(port_, "/v1/sessions/" + session + "/messages/" + messageId + "/" + what, body, headers);
  }
};

TEST_F(IngestTest, ExternalProducerStreamsToSubscribers) {
  auto client = connect();
  subscribe(*client, "i1");
  const auto [messageId, token] = create("i1", "q1");
  ASSERT_FALSE(messageId.empty());
  auto started = client->receiveType("started");
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ((*started)->getValue<std::string>("messageId"), messageId);

  auto one = post("i1", messageId, "chunks", R"({"index":0,"content":"Hel"})", token);
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.body, R"({"nextIndex":1})");
  auto batch = post("i1", messageId, "chunks",
                    R"({"chunks":[{"index":1,"content":"lo"},{"index":2,"content":"!"}]})", token);
  EXPECT_EQ(batch.body, R"({"nextIndex":3})");
  auto finish = post("i1", messageId, "finish", R"({"status":"complete","totalChunks":3})", token);
  EXPECT_EQ(finish.status, 200) << finish.body;

  std::vector<std::int64_t> indexes;
  std::string content;
  for (int i = 0; i < 3; ++i) {
    auto chunk = client->receiveType("chunk");
    ASSERT_TRUE(chunk.has_value());
    indexes.push_back((*chunk)->getValue<std::int64_t>("index"));
    content += (*chunk)->getValue<std::string>("content");
  }
  EXPECT_EQ(indexes, range(0, 3));
  EXPECT_EQ(content, "Hello!");
  auto complete = client->receiveType("complete");
  ASSERT_TRUE(complete.has_value());
  EXPECT_EQ((*complete)->getValue<std::int64_t>("totalChunks"), 3);
}

TEST_F(IngestTest, ResendsSucceedGapsAndConflictsAre409) {
  const auto [messageId, token] = create("i2");
  ASSERT_EQ(post("i2", messageId, "chunks", R"({"index":0,"content":"a"})", token).status, 200);
  EXPECT_EQ(post("i2", messageId, "chunks", R"({"index":0,"content":"a"})", token).status, 200)
      << "idempotent";

  const auto gap = post("i2", messageId, "chunks", R"({"index":5,"content":"f"})", token);
  EXPECT_EQ(gap.status, 409);
  EXPECT_EQ(json(gap.body)->getValue<std::string>("error"), "gap");
  EXPECT_EQ(json(gap.body)->getValue<std::int64_t>("expectedIndex"), 1);

  const auto conflict = post("i2", messageId, "chunks", R"({"index":0,"content":"other"})", token);
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json(conflict.body)->getValue<std::string>("error"), "conflict");

  const auto wrongCount = post("i2", messageId, "finish", R"({"status":"complete","totalChunks":7})", token);
  EXPECT_EQ(wrongCount.status, 409) << wrongCount.body;
  EXPECT_EQ(
      post("i2", messageId, "finish", R"({"status":"failed","code":"upstream_error","message":"x"})", token)
          .status,
      200);
  const auto late = post("i2", messageId, "chunks", R"({"index":1,"content":"b"})", token);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(json(late.body)->getValue<std::string>("error"), "finished");
}

TEST_F(IngestTest, SecondCreateOfARunningRequestConflicts) {
  const auto first = create("i3", "same");
  ASSERT_FALSE(first.first.empty());
  const auto again =
      httpPost(port_, "/v1/sessions/i3/messages", R"({"userId":"anonymous","requestId":"same"})", kAuth);
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(IngestTest, RequestsAreChecked) {
  EXPECT_EQ(httpPost(port_, "/v1/sessions/i4/messages", R"({"userId":"anonymous"})").status, 401);
  EXPECT_EQ(httpPost(port_, "/v1/sessions/i4/messages", R"({"userId":"anonymous"})",
                     {{"Authorization", "Bearer wrong-key-0123456789"}})
                .status,
            401);
  EXPECT_EQ(httpPost(port_, "/v1/sessions/i4/messages", "{nope", kAuth).status, 400);
  EXPECT_EQ(httpPost(port_, "/v1/sessions/i4/messages", R"({"userId":"a","colour":"red"})", kAuth).status,
            400);
  EXPECT_EQ(httpPost(port_, "/v1/sessions/bad%20id/messages", R"({"userId":"a"})", kAuth).status, 400);
  const auto [messageId, token] = create("i4");
  EXPECT_EQ(post("i4", messageId, "chunks", R"({"index":0,"content":"a"})", "garbage").status, 400);
  EXPECT_EQ(post("i4", messageId, "chunks", R"({"index":0,"content":"a"})", "1.not-the-token").status, 409);
  EXPECT_EQ(post("i4", messageId, "chunks",
                 R"({"chunks":[{"index":0,"content":"a"},{"index":2,"content":"c"}]})", token)
                .status,
            400);
  EXPECT_EQ(httpGet(port_, "/v1/sessions/i4/messages").status, 405);
}

TEST_F(IngestTest, ProducerThatGoesSilentIsEndedAsInterrupted) {
  start(nodeConfig("ingest:\n  api_keys: [" + kKey + "]\n" +
                   "streams:\n  lease_ttl: 500ms\n  janitor_interval: 100ms\n"));
  auto client = connect();
  subscribe(*client, "i6");
  const auto [messageId, token] = create("i6");
  ASSERT_EQ(post("i6", messageId, "chunks", R"({"index":0,"content":"a"})", token).status, 200);
  // No more appends: the lease runs out and one node ends the stream.
  std::vector<std::int64_t> indexes;
  EXPECT_EQ(collect(*client, indexes, nullptr, 10s), "interrupted");
  EXPECT_EQ(indexes, range(0, 1));
  const auto late = post("i6", messageId, "chunks", R"({"index":1,"content":"b"})", token);
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_NE(httpGet(port_, "/metrics").body.find("streamgate_streams_interrupted_total 1"),
            std::string::npos);
}

TEST_F(IngestTest, OffWithoutApiKeys) {
  start(nodeConfig());
  const auto reply = httpPost(port_, "/v1/sessions/i5/messages", R"({"userId":"a"})", kAuth);
  EXPECT_EQ(reply.status, 403);
  EXPECT_NE(reply.body.find("ingest.api_keys"), std::string::npos);
}

}  // namespace
}  // namespace streamgate::testing
