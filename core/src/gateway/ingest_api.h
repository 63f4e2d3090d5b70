// The HTTP ingest API: producers outside the process (an AI service) create
// a message, append chunks and finish it, through the same StreamWriter path
// as built-in producers. See docs/ingest.md.
#pragma once

#include "gateway/gateway_context.h"
#include "net/http_server.h"

namespace streamgate::gateway {

void addIngestRoutes(HttpRouter& router, GatewayContext& context);

}  // namespace streamgate::gateway
