/// The report page's inline style sheet and its one script (leaderboard sorting).
enum HTMLStyle {
    static let css = """
    :root{--ink:#1d2329;--muted:#5b6670;--line:#d9dee3;--bg:#ffffff;--panel:#f6f8fa;--accent:#0072B2}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
    header{padding:18px 28px 8px;border-bottom:1px solid var(--line);background:var(--panel)}
    h1{margin:0;font-size:24px;font-weight:600}h1 .name{color:var(--accent)}
    h2{font-size:19px;margin:0 0 10px;padding-top:6px;border-top:1px solid var(--line)}
    h3{font-size:16px;margin:12px 0 6px}
    .sub{margin:4px 0 8px;color:var(--muted)}
    nav a{margin-right:16px;color:var(--accent);text-decoration:none;font-size:14px}
    nav a:hover{text-decoration:underline}
    main{padding:8px 28px 24px;max-width:1400px}
    section{margin:18px 0 26px}
    footer{padding:12px 28px;color:var(--muted);font-size:13px;border-top:1px solid var(--line)}
    code{font:13px ui-monospace,"DejaVu Sans Mono",monospace}
    .banner{margin:12px 28px 0;padding:12px 16px;border-radius:6px;font-size:16px;border:2px solid}
    .banner.synthetic{background:#fff4e5;border-color:#e08a00;color:#5a3600}
    .banner.random-trunk{background:#fdecea;border-color:#c0392b;color:#5c1610}
    .banner.plugins{background:#f3e8fd;border-color:#8e44ad;color:#3d1a52}
    .note{color:var(--muted);font-size:14px;margin:4px 0 10px;max-width:1100px}
    .big{font-size:17px;margin:4px 0 8px}
    table{border-collapse:collapse}
    table.kv th{text-align:left;font-weight:600;padding:3px 16px 3px 0;vertical-align:top;color:var(--muted)}
    table.kv td{padding:3px 14px 3px 0}
    table.data{font-size:13.5px;font-variant-numeric:tabular-nums}
    table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:right;white-space:nowrap}
    table.data th:first-child,table.data td:first-child{text-align:left}
    table.data thead th{position:sticky;top:0;background:var(--panel);border-bottom:2px solid #b8c0c8}
    table.sortable thead th{cursor:pointer;user-select:none}
    table.sortable thead th[aria-sort=ascending]::after{content:" \\25B2";font-size:10px}
    table.sortable thead th[aria-sort=descending]::after{content:" \\25BC";font-size:10px}
    td.objective,th.objective{background:#eef5fb;font-weight:600}
    #leaderboard td:nth-child(2){font-family:ui-monospace,"DejaVu Sans Mono",monospace;text-align:left}
    table.data tbody tr:hover{background:#f2f6fa}
    #failure-list td{text-align:left;white-space:normal}
    #failure-list pre{max-height:240px;overflow:auto;background:var(--panel);padding:8px;font-size:12px}
    .scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:4px;display:inline-block;max-width:100%}
    .state{display:inline-block;padding:0 7px;border-radius:9px;font-size:12.5px;color:#fff;background:#888}
    .state.complete{background:#0072B2}.state.diverged{background:#B86E00}.state.failed{background:#C0392B}.state.pruned{background:#6F6F6F}
    .multiples{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
    .panel{max-width:600px}
    .chart{background:#fff;border:1px solid var(--line);border-radius:4px;padding:4px}
    .chart.wide{display:inline-block;max-width:100%;overflow-x:auto}
    svg text{font-family:system-ui,"DejaVu Sans",sans-serif;fill:var(--ink)}
    svg .tick{font-size:11px;fill:#4a545e;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}svg .label{font-size:12.5px;font-weight:600}svg .title{font-size:13px;font-weight:600}
    svg .warn{fill:#C0392B}svg .bar-label{font-size:12px;fill:#fff;font-weight:600}
    svg .axis{stroke:#6b7680;stroke-width:1}svg .axis.strong{stroke:#1d2329;stroke-width:1.5}
    svg .grid{stroke:#e6e9ec;stroke-width:1}
    svg .mean{stroke:#111;stroke-width:3}svg .spread{stroke:#777;stroke-width:2}
    svg polyline.mark:hover{stroke:#D55E00;stroke-width:3;opacity:1}
    .legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13.5px}
    .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
    table.heat td{min-width:56px;text-align:center}table.heat td.diagonal{outline:2px solid #0b3d63;outline-offset:-2px}
    """

    /// Sorts a `table.sortable` by a clicked column: numbers numerically (empty, nan last),
    /// text alphabetically; a second click reverses.
    static let script = """
    (function(){
    function num(s){if(s==='inf')return Infinity;if(s==='-inf')return -Infinity;if(s===''||s==='nan')return NaN;return Number(s);}
    document.querySelectorAll('table.sortable').forEach(function(t){
    var ths=t.tHead.rows[0].cells;
    Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
    var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
    var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
    Array.prototype.forEach.call(ths,function(h){h.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort',dir===1?'ascending':'descending');
    var text=function(r){return r.cells[i].textContent;};
    var numeric=rows.every(function(r){var s=text(r);return s===''||s==='nan'||!isNaN(num(s));});
    rows.sort(function(a,b){var x=text(a),y=text(b);
    if(numeric){var p=num(x),q=num(y);if(isNaN(p)||isNaN(q))return isNaN(p)-isNaN(q);return dir*(p-q);}
    return dir*x.localeCompare(y);});
    var f=document.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});body.appendChild(f);
    });});});
    })();
    """
}
