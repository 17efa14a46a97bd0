# bash completion for ipclab. Everything it offers is read from ipclab's own
# --help (commands, options, workloads and their parameters from the
# catalog), so it cannot drift from the binary it completes.
_ipclab_help_words() {
  # Option names in "  -p,--param NAME=VALUE ..." lines of `$@ --help`.
  "$@" --help 2>/dev/null | sed -n 's/^ \{1,\}\(-[^ ]*\).*/\1/p' | tr ',' '\n' | grep '^-'
}

_ipclab_commands() {
  # Subcommand names under "Subcommands:" in `$@ --help`.
  "$@" --help 2>/dev/null | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

_ipclab_workloads() {
  ipclab run --help 2>/dev/null | sed -n '/^Workloads/,/^$/s/^  \([a-z_]\{1,\}\)  .*/\1/p'
}

_ipclab_params() {
  ipclab run --help 2>/dev/null | sed -n 's/^ *parameters: //p' | tr ' ' '\n' | sort -u
}

_ipclab() {
  local cur prev words cword
  _init_completion -n = 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  }
  # The command path typed so far: ipclab [results] [list].
  local path=(ipclab) i
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) if _ipclab_commands "${path[@]}" | grep -qx -- "${words[i]}"; then
           path+=("${words[i]}")
         fi ;;
    esac
  done
  case $prev in
    -p | --param | --sweep)
      compopt -o nospace 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -W "$(_ipclab_params | sed 's/$/=/')" -- "$cur")
      return ;;
    --format)
      mapfile -t COMPREPLY < <(compgen -W "table json csv markdown" -- "$cur")
      return ;;
    --matrix)
      COMPREPLY=(default)
      return ;;
    --out | --db | --html | --junit | --markdown | --bundle | --token-file | --tls-*)
      _filedir 2>/dev/null || mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_ipclab_help_words "${path[@]}")" -- "$cur")
    return
  fi
  local commands
  commands=$(_ipclab_commands "${path[@]}")
  if [[ -n $commands ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
  elif [[ ${path[*]} == "ipclab run" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_ipclab_workloads)" -- "$cur")
  fi
}
complete -F _ipclab ipclab
