# Writes the trustcheck(1) manual page from the binary's own --help texts,
# so that `man trustcheck` says exactly what `trustcheck --help` says.
#   cmake -DTRUSTCHECK=<binary> -DOUT=<trustcheck.1> -DVERSION=<x.y.z> -P man_page.cmake
function(help_of out)
  execute_process(COMMAND ${TRUSTCHECK} ${ARGN} OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "`trustcheck ${ARGN}` failed (${rc})")
  endif()
  # roff: a backslash is written `\e`; a line starting with `.` or `'` would
  # be read as a request.
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

help_of(main --help)
set(page ".TH TRUSTCHECK 1 \"\" \"trustcheck ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\ntrustcheck \\- evaluate, lint and diff OIDC federation trusts\n")
string(APPEND page ".SH SYNOPSIS\n.nf\n${main}.fi\n")
foreach(command eval lint diff ci rules facts)
  help_of(text ${command} --help)
  string(TOUPPER "${command}" title)
  string(APPEND page ".SH ${title}\n.nf\n${text}.fi\n")
endforeach()
string(APPEND page ".SH FILES\n/usr/share/doc/trustcheck: the manual (lint.md, cli.md, workflows.md, ci.md, ...) and one page per lint rule (rules/)\n")
string(APPEND page ".SH EXIT STATUS\n0 nothing to report; 1 a finding, refusal or widening the command fails on; 2 a usage or input error\n")
file(WRITE ${OUT} "${page}")
