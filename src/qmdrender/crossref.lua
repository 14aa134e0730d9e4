-- qmdrender pandoc filter, first pass: Quarto's cross-references -> typst.
--
-- Typst does the numbering: every referenceable thing becomes a typst element
-- with a label (`#figure(...) <fig-x>`, `= Heading <sec-x>`, `$ ... $ <eq-x>`;
-- floats, callouts and listings: floats.lua) and every `@fig-x` becomes
-- `#ref(<fig-x>)`, which typst prints as "Figure 1", "Table 2", "Listing 1",
-- "Section 3.1", "Equation 4" (Quarto's texts). References to labels that do
-- not exist print `?@label` with a warning, as Quarto.

local util = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "filters_util.lua" }))
local typst, prefix_of, warn, fail = util.typst, util.prefix_of, util.warn, util.fail

local KINDS = { fig = true, tbl = true, lst = true, sec = true, eq = true }

-- Image paths become absolute from the typst root (the project folder),
-- resolved against the document's folder like Quarto does.
local docdir, root = nil, nil

local function normalize(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      table.remove(parts)
    elseif part ~= "." then
      table.insert(parts, part)
    end
  end
  return "/" .. table.concat(parts, "/")
end

local function Meta(meta)
  if meta["qmdrender-docdir"] then docdir = pandoc.utils.stringify(meta["qmdrender-docdir"]) end
  if meta["qmdrender-root"] then root = normalize(pandoc.utils.stringify(meta["qmdrender-root"])) end
end

local function Image(img)
  local src = img.src
  if src:match("^%a[%w+.-]*:") then return img end  -- a URL
  local abs = src:match("^/") and normalize(src) or normalize((docdir or ".") .. "/" .. src)
  if root and root ~= "/" then
    if abs:sub(1, #root + 1) == root .. "/" then
      abs = abs:sub(#root + 1)
    else
      -- typst refuses files outside its root: convert.py stops the render on this line.
      fail(src, "image " .. src .. " is outside the project folder " .. root
        .. ", which typst cannot read from: move it into the project")
    end
  end
  img.src = abs
  -- pandoc's typst writer drops alt text; write the image call ourselves then.
  local alt = img.attributes["fig-alt"]
  if alt then
    local function str(s) return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"' end
    local width = img.attributes.width and (", width: " .. img.attributes.width) or ""
    return pandoc.RawInline("typst", "#box(image(" .. str(img.src) .. width .. ", alt: " .. str(alt) .. "))")
  end
  return img
end

-- Every label in the document, so references to missing ones can be reported.
local labels = {}

local function collect(doc)
  local function add(el)
    if el.identifier and el.identifier ~= "" then labels[el.identifier] = true end
  end
  doc:walk({ Header = add, Div = add, Figure = add, Table = add, CodeBlock = add, Image = add, Span = add,
    Str = function(s)
      local id = s.text:match("^{#(eq%-[%w_:%.%-]+)}")
      if id then labels[id] = true end
    end })
end

-- Quarto numbers sections from the top heading level present: a document
-- whose headings start at `##` gets them shifted up by one.
local function shift_headings(doc)
  local has_h1 = false
  doc:walk({ Header = function(h) if h.level == 1 then has_h1 = true end end })
  if has_h1 then return doc end
  return doc:walk({ Header = function(h) h.level = math.max(1, h.level - 1); return h end })
end

-- `$$ ... $$ {#eq-x}`: a labelled, numbered display equation.
local function label_equations(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    local j = i + 1
    if inlines[j] and inlines[j].t == "Space" then j = j + 1 end
    local nxt = inlines[j]
    local id, rest
    if el.t == "Math" and el.mathtype == "DisplayMath" and nxt and nxt.t == "Str" then
      id, rest = nxt.text:match("^{#(eq%-[%w_:%.%-]+)}(.*)$")
    end
    if id then
      local math = typst({ pandoc.Plain({ el }) })
      out:insert(pandoc.RawInline("typst",
        '#[#set math.equation(numbering: "(1)"); ' .. math .. " <" .. id .. ">]"))
      if rest ~= "" then out:insert(pandoc.Str(rest)) end
      i = j + 1
    else
      out:insert(el)
      i = i + 1
    end
  end
  return out
end

-- `@fig-x`, `[@fig-x; @tbl-y]`, `[-@fig-x]` (number only). Other keys are
-- citations, left to typst or --citeproc.
local function Cite(cite)
  for _, c in ipairs(cite.citations) do
    if util.unsupported(c.id) then return nil end
    if not KINDS[prefix_of(c.id) or ""] then return nil end
  end
  local out = pandoc.Inlines({})
  for n, c in ipairs(cite.citations) do
    if n > 1 then out:extend({ pandoc.Str(","), pandoc.Space() }) end
    if #c.prefix > 0 then
      out:extend(c.prefix)
      out:insert(pandoc.Space())
    end
    if labels[c.id] then
      local opts = c.mode == "SuppressAuthor" and ", supplement: none" or ""
      out:insert(pandoc.RawInline("typst", "#ref(<" .. c.id .. ">" .. opts .. ");"))
    else
      warn("@" .. c.id, "Unable to resolve crossref @" .. c.id)
      out:insert(pandoc.Strong({ pandoc.Str("?@" .. c.id) }))
    end
    out:extend(c.suffix)
  end
  return out
end

return {
  { Meta = Meta },
  { Pandoc = function(doc) collect(doc); return shift_headings(doc) end },
  { Image = Image },
  { Para = function(p) p.content = label_equations(p.content); return p end,
    Plain = function(p) p.content = label_equations(p.content); return p end },
  { Cite = Cite },
}
