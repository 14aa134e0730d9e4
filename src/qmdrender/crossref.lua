-- qmdrender pandoc filter: turns Quarto cross-reference syntax into typst.
--
-- Typst does the numbering: every referenceable thing becomes a typst
-- element with a label (`#figure(...) <fig-x>`, `= Heading <sec-x>`,
-- `$ ... $ <eq-x>`) and every `@fig-x` becomes `#ref(<fig-x>);`, which typst
-- prints as "Figure 1", "Table 2", "Section 3.1", "Equation 4".

local KINDS = { fig = "image", tbl = "table", sec = true, eq = true }

local function typst(blocks)
  -- Render a list of blocks with pandoc's own typst writer (no template).
  local out = pandoc.write(pandoc.Pandoc(blocks), "typst")
  return (out:gsub("%s+$", ""))
end

local function prefix_of(id)
  return id and id:match("^(%a+)%-")
end

-- Image paths: make them absolute (typst compiles with root "/"), resolved
-- against the document's folder like Quarto does.
local docdir = nil

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

function Meta(meta)
  if meta["qmdrender-docdir"] then
    docdir = pandoc.utils.stringify(meta["qmdrender-docdir"])
  end
end

local function Image(img)
  local src = img.src
  if docdir and not src:match("^/") and not src:match("^%a[%w+.-]*:") then
    img.src = normalize(docdir .. "/" .. src)
  elseif src:match("^/") then
    img.src = normalize(src)
  end
  -- pandoc's typst writer drops alt text; write the image call ourselves then.
  local alt = img.attributes["fig-alt"]
  if alt then
    local function str(s) return '"' .. s:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"' end
    local width = img.attributes.width and (", width: " .. img.attributes.width) or ""
    return pandoc.RawInline("typst", "#box(image(" .. str(img.src) .. width .. ", alt: " .. str(alt) .. "))")
  end
  return img
end

-- A float written as raw typst around pandoc-rendered content, so we control
-- kind (the supplement "Figure"/"Table") and numbering.
local function raw_figure(content, caption, id, kind)
  local args = { "kind: " .. kind }
  if caption and #caption > 0 then
    table.insert(args, "caption: [" .. typst(caption) .. "]")
  end
  if not id or id == "" then
    table.insert(args, "numbering: none")  -- Quarto numbers only labelled floats
  end
  local open = "#figure(" .. table.concat(args, ", ") .. ")["
  local close = "]"
  if id and id ~= "" then close = close .. " <" .. id .. ">" end
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", open) })
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("typst", close))
  return blocks
end

-- Quarto div floats: `::: {#fig-x}` / `::: {#tbl-x}`, caption = last paragraph.
local function Div(div)
  local kind = KINDS[prefix_of(div.identifier) or ""]
  if kind ~= "image" and kind ~= "table" then return nil end
  local content = pandoc.Blocks({})
  for i = 1, #div.content do content:insert(div.content[i]) end
  local caption = pandoc.Blocks({})
  local last = content[#content]
  local only_images = last and last.t == "Para" and #last.content > 0
  if only_images then
    for _, il in ipairs(last.content) do
      if il.t ~= "Image" and il.t ~= "Space" and il.t ~= "SoftBreak" and il.t ~= "RawInline" then
        only_images = false
      end
    end
  end
  if #content > 1 and last.t == "Para" and not only_images then
    caption:insert(pandoc.Plain(last.content))
    content:remove(#content)
  end
  -- A single pipe table: let pandoc's writer produce the table figure itself
  -- (avoids a figure nested in a figure, which would be counted twice).
  if kind == "table" and #content == 1 and content[1].t == "Table" then
    local tbl = content[1]
    tbl.attr.identifier = div.identifier
    tbl.caption = { long = caption, short = nil }
    return tbl
  end
  return raw_figure(content, caption, div.identifier, kind)
end

-- Markdown figures `![cap](x.png){#fig-x}`: same raw figure (consistent
-- captions); without an id it takes no number, as in Quarto.
local function Figure(fig)
  local kind = prefix_of(fig.identifier) == "tbl" and "table" or "image"
  return raw_figure(fig.content, fig.caption.long, fig.identifier, kind)
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

-- `@fig-x`, `[@fig-x; @tbl-y]`, `[-@fig-x]` (number only).
local function Cite(cite)
  for _, c in ipairs(cite.citations) do
    if not KINDS[prefix_of(c.id) or ""] then
      return cite.content  -- not a cross-reference: keep the text (no bibliography support)
    end
  end
  local out = pandoc.Inlines({})
  for n, c in ipairs(cite.citations) do
    if n > 1 then out:extend({ pandoc.Str(","), pandoc.Space() }) end
    if #c.prefix > 0 then
      out:extend(c.prefix)
      out:insert(pandoc.Space())
    end
    local opts = c.mode == "SuppressAuthor" and ", supplement: none" or ""
    out:insert(pandoc.RawInline("typst", "#ref(<" .. c.id .. ">" .. opts .. ");"))
    out:extend(c.suffix)
  end
  return out
end

return {
  { Meta = Meta },
  { Image = Image },
  { Para = function(p) p.content = label_equations(p.content); return p end,
    Plain = function(p) p.content = label_equations(p.content); return p end },
  { Cite = Cite },
  { Div = Div, Figure = Figure },
}
