-- Headless Neovim (0.7+) as a real LSP client for klarsyn's tests.
-- env: KLARSYN_FILE (draft to open), KLARSYN_OUT (JSON written here), KLARSYN_PYTHON (interpreter)
local file = assert(os.getenv('KLARSYN_FILE'), 'KLARSYN_FILE unset')
local out = assert(os.getenv('KLARSYN_OUT'), 'KLARSYN_OUT unset')
local python = assert(os.getenv('KLARSYN_PYTHON'), 'KLARSYN_PYTHON unset')

local received = nil
local client_id = vim.lsp.start_client({
  name = 'klarsyn',
  cmd = { python, '-m', 'klarsyn', 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result and #result.diagnostics > 0 then received = result end
      return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
    end,
  },
})
assert(client_id, 'could not start klarsyn lsp')

vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.bo.filetype = 'markdown'
vim.lsp.buf_attach_client(0, client_id)

local ok = vim.wait(20000, function() return received ~= nil end, 50)
local shown = vim.tbl_map(function(d)
  return { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
           severity = d.severity, message = d.message, code = d.user_data and d.user_data.lsp and d.user_data.lsp.code }
end, vim.diagnostic.get(0))
local f = assert(io.open(out, 'w'))
f:write(vim.json.encode({ ok = ok, raw = received, shown = shown }))
f:close()
vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
if ok then vim.cmd('qall!') else vim.cmd('cquit! 3') end
