-- Helpers shared by qmdrender's pandoc filters (crossref.lua, floats.lua).

local M = {}

-- Render a list of blocks with pandoc's own typst writer (no template).
function M.typst(blocks)
  local out = pandoc.write(pandoc.Pandoc(blocks), "typst")
  return (out:gsub("%s+$", ""))
end

-- "fig" for "fig-x".
function M.prefix_of(id)
  return id and id:match("^(%a+)%-")
end

-- Messages for convert.py: `LEVEL: NEEDLE<tab>message`, NEEDLE being source text
-- (a label, a path) that convert.py looks up to name the document line.
-- WARNING lines are passed on; an ERROR line stops the render.
function M.warn(needle, msg)
  io.stderr:write("WARNING: " .. needle .. "\t" .. msg .. "\n")
end

function M.fail(needle, msg)
  io.stderr:write("ERROR: " .. needle .. "\t" .. msg .. "\n")
end

-- Quarto cross-reference kinds qmdrender does not render (theorems, callout refs...).
M.UNSUPPORTED = { thm = "theorem", lem = "lemma", cor = "corollary", prp = "proposition", cnj = "conjecture",
  def = "definition", exm = "example", exr = "exercise", sol = "solution", rem = "remark", alg = "algorithm",
  nte = "note callout", tip = "tip callout", wrn = "warning callout", imp = "important callout",
  cau = "caution callout" }

function M.unsupported(id)
  local kind = M.UNSUPPORTED[M.prefix_of(id) or ""]
  if kind then
    M.fail(id, "`" .. id .. "`: Quarto's " .. kind .. " cross-references are not supported by qmdrender "
      .. "(supported: fig-, tbl-, lst-, sec-, eq-)")
  end
  return kind
end

return M
