package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiOp documents one API operation beyond what its Route declares.
type apiOp struct {
	Query    []string // query parameter names (strings or integers by name)
	Body     string   // component schema of the JSON request body
	Response string   // component schema of the success response ("" = no body)
	Status   int      // success status
}

// apiOps documents every /api route; a test fails when a route lacks an entry
// or an entry names no route.
var apiOps = map[string]apiOp{
	"GET /api/openapi.json":                    {Response: "OpenAPI", Status: 200},
	"GET /api/v1/me":                           {Response: "Me", Status: 200},
	"GET /api/v1/units":                        {Query: []string{"q", "kind", "limit", "offset"}, Response: "UnitList", Status: 200},
	"POST /api/v1/units":                       {Body: "UnitInput", Response: "Unit", Status: 201},
	"GET /api/v1/units/:id":                    {Response: "UnitDetail", Status: 200},
	"PATCH /api/v1/units/:id":                  {Body: "UnitInput", Response: "Unit", Status: 200},
	"POST /api/v1/units/:id/children":          {Body: "Link", Status: 204},
	"DELETE /api/v1/units/:id/children/:child": {Status: 204},
	"POST /api/v1/units/:id/archive":           {Response: "Unit", Status: 200},
	"POST /api/v1/units/:id/unarchive":         {Response: "Unit", Status: 200},
	"DELETE /api/v1/units/:id":                 {Status: 409},
	"GET /api/v1/users":                        {Query: []string{"q", "limit", "offset"}, Response: "UserList", Status: 200},
	"POST /api/v1/users":                       {Body: "UserInput", Response: "User", Status: 201},
	"GET /api/v1/users/:uid":                   {Response: "UserDetail", Status: 200},
	"POST /api/v1/users/:uid/grants":           {Body: "GrantInput", Response: "GrantList", Status: 201},
	"DELETE /api/v1/users/:uid/grants/:gid":    {Status: 204},
	"GET /api/v1/audit":                        {Query: []string{"action", "actor", "entity_type", "entity_id", "pupil", "limit", "offset"}, Response: "AuditList", Status: 200},
	"GET /api/v1/units/:id/pupils":             {Query: []string{"year_group", "flag", "sort", "desc", "left", "limit", "offset"}, Response: "PupilList", Status: 200},
	"POST /api/v1/units/:id/pupils":            {Body: "PupilInput", Response: "Pupil", Status: 201},
	"POST /api/v1/units/:id/pupils/search":     {Body: "PupilSearch", Response: "PupilList", Status: 200},
	"GET /api/v1/units/:id/pupil-figures":      {Response: "PupilFigures", Status: 200},
	"GET /api/v1/pupils/:pid":                  {Response: "Pupil", Status: 200},
	"PATCH /api/v1/pupils/:pid":                {Body: "PupilInput", Response: "Pupil", Status: 200},
}

var echoParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns Echo's /units/:id into OpenAPI's /units/{id}.
func openAPIPath(p string) string { return echoParam.ReplaceAllString(p, "{$1}") }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
	boolean = map[string]any{"type": "boolean"}
	number  = map[string]any{"type": "number"}
	when    = map[string]any{"type": "string", "format": "date-time"}
)

func arrayOf(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }

func schemas() map[string]any {
	unitProps := map[string]any{"id": integer, "tenant_id": integer, "kind": map[string]any{"type": "string", "enum": []string{"tenant", "trust", "school", "hub", "cluster", "trio", "delivery_centre", "cohort"}},
		"name": str, "urn": map[string]any{"type": "string", "pattern": "^[0-9]{6}$", "nullable": true}, "phase": str, "ofsted_grade": str,
		"pupils_on_roll": map[string]any{"type": "integer", "nullable": true}, "latitude": number, "longitude": number, "created_at": when, "updated_at": when}
	user := obj(map[string]any{"id": integer, "tenant_id": integer, "email": str, "name": str, "is_operator": boolean, "disabled_at": when, "last_login_at": when, "created_at": when, "updated_at": when})
	grant := obj(map[string]any{"id": integer, "tenant_id": integer, "user_id": integer, "role": str, "unit_id": integer, "created_by": integer, "created_at": when,
		"active": boolean})
	event := obj(map[string]any{"id": integer, "tenant_id": integer, "actor_user_id": integer, "actor": str, "action": str, "entity_type": str, "entity_id": str,
		"before": str, "after": str, "request_id": str, "ip": str, "created_at": when,
		"seq": integer, "prev_hash": str, "hash": str, "pupil_ids": map[string]any{"type": "array", "items": integer}})
	tenant := obj(map[string]any{"id": integer, "slug": str, "name": str, "created_at": when, "updated_at": when})
	listOf := func(item string) map[string]any {
		return obj(map[string]any{"items": arrayOf(item), "total": integer}, "items", "total")
	}
	return map[string]any{
		"Error":      obj(map[string]any{"error": str, "status": integer, "request_id": str}, "error", "status"),
		"Unit":       obj(unitProps),
		"UnitList":   listOf("Unit"),
		"UnitDetail": obj(map[string]any{"unit": ref("Unit"), "parents": arrayOf("Unit"), "children": arrayOf("Unit")}),
		"UnitInput": obj(map[string]any{"kind": str, "name": str, "urn": str, "phase": str, "ofsted_grade": str,
			"pupils_on_roll": integer, "latitude": number, "longitude": number}, "name"),
		"Link":       obj(map[string]any{"child_id": integer}, "child_id"),
		"User":       user,
		"UserList":   listOf("User"),
		"UserInput":  obj(map[string]any{"email": str, "name": str, "password": map[string]any{"type": "string", "minLength": 10}}, "email", "name", "password"),
		"UserDetail": obj(map[string]any{"user": ref("User"), "grants": arrayOf("Grant")}),
		"Grant":      grant,
		"GrantInput": obj(map[string]any{"role": str, "unit_id": map[string]any{"type": "integer", "description": "0 or absent: the whole tenant"}}, "role"),
		"GrantList":  obj(map[string]any{"grants": arrayOf("Grant")}),
		"AuditEvent": event,
		"AuditList":  listOf("AuditEvent"),
		"Tenant":     tenant,
		"Me":         obj(map[string]any{"user": ref("User"), "tenant": ref("Tenant"), "grants": arrayOf("Grant")}),
		"OpenAPI":    map[string]any{"type": "object"},
		"Pupil":      pupilSchema(),
		"PupilList":  listOf("Pupil"),
		"PupilInput": pupilInputSchema(),
		"PupilFigures": obj(map[string]any{"unit_id": integer, "schools": integer, "suppressed": boolean, "on_roll": ref("Count"),
			"by_year_group": map[string]any{"type": "array", "items": obj(map[string]any{"year_group": integer, "label": str, "count": ref("Count")})},
			"by_flag":       map[string]any{"type": "array", "items": obj(map[string]any{"flag": str, "label": str, "count": ref("Count")})}}),
		"Count": obj(map[string]any{"n": integer, "suppressed": map[string]any{"type": "boolean", "description": "the count is hidden (n is 0): below 5, or one from which another could be worked out"},
			"shown": map[string]any{"type": "string", "description": "the count as shown: the number, \"<5\" or \"suppressed\""}}),
		"PupilSearch": pupilSearchSchema(),
	}
}

// OpenAPI builds the OpenAPI 3 document from the server's declared routes.
func (s *Server) OpenAPI() map[string]any {
	paths := map[string]any{}
	for _, r := range s.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		op, ok := apiOps[routeKey(r.Method, r.Path)]
		if !ok {
			continue
		}
		p := openAPIPath(r.Path)
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		var params []any
		for _, m := range echoParam.FindAllStringSubmatch(r.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": integer})
		}
		for _, q := range op.Query {
			schema := str
			if q == "limit" || q == "offset" {
				schema = integer
			}
			params = append(params, map[string]any{"name": q, "in": "query", "schema": schema})
		}
		responses := map[string]any{
			"401": map[string]any{"description": "Not logged in", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}},
			"403": map[string]any{"description": "Permission missing", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}},
			"404": map[string]any{"description": "Not found in this tenant or outside your reach", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}},
		}
		success := map[string]any{"description": http.StatusText(op.Status)}
		if op.Response != "" {
			success["content"] = map[string]any{"application/json": map[string]any{"schema": ref(op.Response)}}
		}
		responses[strconv.Itoa(op.Status)] = success
		o := map[string]any{
			"summary":      r.Summary,
			"operationId":  operationID(r),
			"x-permission": r.Permission,
			"responses":    responses,
			"tags":         []string{tag(r.Path)},
		}
		if r.Permission == PermPublic {
			o["security"] = []any{}
		}
		if len(params) > 0 {
			o["parameters"] = params
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(op.Body)}}}
			responses["422"] = map[string]any{"description": "Invalid input; nothing was written", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
		}
		item[strings.ToLower(r.Method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Upwards API", "version": s.Version,
			"description": "The JSON API of the Upwards core. Authenticate with `Authorization: Bearer upw_…` (create a token under My account). Every operation names the permission it needs in x-permission."},
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas(), "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}}},
		"security":   []any{map[string]any{"bearer": []string{}}},
	}
}

func tag(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	if strings.HasPrefix(path, "/api/v1/") && len(parts) > 0 {
		return parts[0]
	}
	return "meta"
}

func operationID(r Route) string {
	p := strings.NewReplacer("/api/v1/", "", "/api/", "", "/", "_", ":", "", ".", "_").Replace(r.Path)
	return strings.ToLower(r.Method) + "_" + p
}

func (s *Server) openAPI(c echo.Context) error { return c.JSON(http.StatusOK, s.OpenAPI()) }
