-- Neovim's own LSP client (0.7's API: vim.lsp.start_client, buf_attach_client) against `monitlint server`:
-- open the file, wait for its diagnostics, apply the "add a stop program" code action, wait for MON101
-- to go, save.  Run headless by tests/server/test_neovim.py; any failure is written to MONITLINT_RESULT.
local result = vim.env.MONITLINT_RESULT
local function finish(message)
  vim.fn.writefile({ message }, result)
  vim.cmd(message == "ok" and "qall!" or "cquit! 1")
end

local ok, err = pcall(function()
  local file = vim.env.MONITLINT_FILE
  local cmd = vim.fn.json_decode(vim.env.MONITLINT_SERVER_CMD)
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "monitlint",
    cmd = cmd,
    root_dir = vim.fn.fnamemodify(file, ":h"),
  })
  assert(client_id, "the client did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)

  local function codes()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      found[tostring(d.code)] = d
    end
    return found
  end

  assert(vim.wait(60000, function() return codes()["MON101"] ~= nil end, 20), "no MON101 diagnostic published")
  local mon101 = codes()["MON101"]
  assert(mon101.lnum == 0 and mon101.col == 0, "MON101 not at 0:0 but " .. mon101.lnum .. ":" .. mon101.col)

  local client = vim.lsp.get_client_by_id(client_id)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    range = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 0) },
  }
  local response = client.request_sync("textDocument/codeAction", params, 60000, bufnr)
  assert(response and response.result, "no code actions: " .. vim.inspect(response))
  local chosen
  for _, action in ipairs(response.result) do
    if action.title:find("Add a stop program", 1, true) then
      chosen = action
    end
  end
  assert(chosen, "no stop-program action among " .. vim.inspect(response.result))
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")

  assert(vim.wait(60000, function() return codes()["MON101"] == nil end, 20), "MON101 still reported after the fix")
  vim.cmd("write")
end)

finish(ok and "ok" or tostring(err))
